package io.pooldisk.cli;

import io.pooldisk.disk.InstantUploadPolicy;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolListener;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolStartException;
import io.pooldisk.pool.ProxySources;
import io.pooldisk.unix.Sockets;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pooldisk serve}: the seed's {@code server [hostname] [service] [worker number]}, with names. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        defaultValueProvider = ServeDefaults.class,
        sortOptions = false,
        description = {
            "Run the server headless: a master process and a pool of worker processes.",
            "SIGTERM or SIGINT stops it gracefully; a second one stops it at once. SIGHUP rereads the configuration"
                    + " file and replaces the workers gracefully, SIGUSR1 reopens server.log and audit.log,"
                    + " SIGTTIN and SIGTTOU add and remove a worker.",
            "",
            "Every option can also be set in pooldisk.properties in the data directory (or the file of --config):"
                    + " one 'key = value' a line, the key being the option's long name without the dashes (workers ="
                    + " 8, request-timeout = 30s), # starts a comment. Options on the command line override the file."
                    + " The data directory's own file cannot move it elsewhere: there, data may only name that"
                    + " directory. SIGHUP applies a changed file; host, port and data need a restart, and a file with"
                    + " an error is logged and changes nothing."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped normally",
            "1:could not start or run (port in use, data directory in use, workers failing to start)",
            "2:bad command line or configuration file (unknown option or key, bad value, unresolvable host)"
        })
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            description = "Host name or IPv4/IPv6 address to listen on "
                    + "(resolved as getaddrinfo does; the first address is used). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port number or service name (as in /etc/services)."
                    + " 0 picks a free port. Default: ${DEFAULT-VALUE}.")
    String port;

    @Option(names = "--workers", paramLabel = "N", description = "Worker processes (1-256). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Data directory. Default: $XDG_DATA_HOME/pooldisk or ~/.local/share/pooldisk.")
    Path data;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Read the settings from FILE (which must exist) instead of " + ConfigFile.NAME
                    + " in the data directory (read when it exists).")
    Path configFile;

    @Option(
            names = "--print-config",
            description = "Print the configuration in effect, every setting as a line of the configuration file with"
                    + " where it came from (default, file or flag), and exit without serving.")
    boolean printConfig;

    @Option(
            names = "--max-pending",
            paramLabel = "N",
            description =
                    "Sessions with a command that may wait for a worker at once; past it the next gets ERR 503 (0: no "
                            + "limit but --max-sessions; a waiting session costs no more than a parked one). Default: "
                            + "${DEFAULT-VALUE}.")
    int maxPending;

    @Option(
            names = "--queue-timeout",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "How long a session with a command may wait for a worker before ERR 503. Default: "
                    + "${DEFAULT-VALUE}.")
    Duration queueTimeout;

    @Option(
            names = "--request-timeout",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "A worker making no progress in one command this long is killed; a request line "
                    + "that takes this long to arrive, or a transfer whose client moves nothing this "
                    + "long, is ended (0: never). Default: ${DEFAULT-VALUE}.")
    Duration requestTimeout;

    @Option(
            names = "--max-requests",
            paramLabel = "N",
            description = "Recycle a worker after this many commands (0: never). Default: ${DEFAULT-VALUE}.")
    int maxRequests;

    @Option(
            names = "--max-requests-jitter",
            paramLabel = "N",
            description = "Add up to N at random to each "
                    + "worker's --max-requests, so they do not recycle together. Default: a tenth of --max-requests.")
    Integer maxRequestsJitter;

    @Option(
            names = "--grace",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "On a graceful stop, "
                    + "how long commands in flight may take before workers are killed. Default: ${DEFAULT-VALUE}.")
    Duration grace;

    @Option(
            names = "--idle-timeout",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "Close sessions idle this long (0: never). Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(
            names = "--linger",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "How long a worker may wait for its client (the next command, a transfer's socket) before "
                    + "handing the session back to the master; it hands it back at once when another session "
                    + "needs a worker (0: never wait). Default: ${DEFAULT-VALUE}.")
    Duration linger;

    @Option(
            names = "--max-sessions",
            paramLabel = "N",
            description = "Open sessions allowed at once. Default: ${DEFAULT-VALUE}.")
    int maxSessions;

    @Option(
            names = "--upload-ttl",
            paramLabel = "TIME",
            converter = Durations.class,
            description =
                    "Unfinished uploads untouched this long are deleted; until then each counts against its user's "
                            + "quota with its full size. Default: ${DEFAULT-VALUE}.")
    Duration uploadTtl;

    @Option(
            names = "--login-max-failures",
            paramLabel = "N",
            description = "Failed logins allowed from one address "
                    + "within --login-window before it is refused for --login-ban. Default: ${DEFAULT-VALUE}.")
    int loginMaxFailures;

    @Option(
            names = "--login-window",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "Default: ${DEFAULT-VALUE}.")
    Duration loginWindow;

    @Option(
            names = "--login-ban",
            paramLabel = "TIME",
            converter = Durations.class,
            description = "Default: ${DEFAULT-VALUE}.")
    Duration loginBan;

    @Option(
            names = "--instant-upload",
            paramLabel = "own|all|off",
            converter = InstantUploads.class,
            description = "Which uploads may be instant (秒传): the client proves it holds the whole content "
                    + "(an HMAC-SHA256 keyed by a fresh nonce) instead of sending bytes the server "
                    + "already stores. own: content the same user stores already. all: content any user "
                    + "stores; saves more, but tells anyone who knows a file's SHA-256 and size that "
                    + "someone here holds it. off: every upload sends its bytes. Content is stored once "
                    + "whichever is chosen. Default: ${DEFAULT-VALUE}.")
    InstantUploadPolicy instantUpload;

    @Option(
            names = "--metrics",
            paramLabel = "HOST:PORT",
            description = "Serve /metrics (OpenMetrics or Prometheus text) and /status.json over HTTP on this address"
                    + " only, e.g. 127.0.0.1:9180 ([::1]:9180 for IPv6; port 0 picks a free one). Default: off.")
    String metrics;

    @Option(
            names = "--proxy-from",
            paramLabel = "ADDR[,ADDR|CIDR...]",
            converter = Proxies.class,
            description = "Trust these proxies (addresses, networks such as 10.0.0.0/8 or fd00::/8, host names) to"
                    + " name the real client: each of their connections must begin with a PROXY protocol v2 header"
                    + " (HAProxy's send-proxy-v2, in front of PoolDisk to terminate TLS), whose source address is then"
                    + " the client's for bans, login limits, the sessions and the log; one without it is closed."
                    + " Others connect as before. Default: none.")
    ProxySources proxyFrom;

    @Option(
            names = "--log-max-size",
            paramLabel = "SIZE",
            converter = UserCommand.Sizes.class,
            description = "server.log and audit.log are rotated before they grow past this: the file becomes .1, "
                    + ".1 becomes .2 and so on. 0 never rotates (for logrotate, with SIGUSR1). "
                    + "Default: ${DEFAULT-VALUE}.")
    long logMaxSize;

    @Option(
            names = "--log-files",
            paramLabel = "N",
            description = "Rotated files kept of each log (server.log.1 to server.log.N). Default: ${DEFAULT-VALUE}.")
    int logFiles;

    @Option(
            names = {"-v", "--verbose"},
            description = "Log every hand-off, command and session too.")
    boolean verbose;

    /** Options that say what to do rather than how to serve: not settings, so not in a configuration file. */
    private static final Set<String> NOT_SETTINGS = Set.of("--config", "--print-config");

    /** The file the settings came from, and the options given on the command line; set by {@link #effective}. */
    private ConfigFile source;

    private Set<String> fromCommandLine = Set.of();

    /** The settings the server started with (what a reload cannot change is compared with them). */
    private ServeCommand current;

    @Override
    public Integer call() {
        ServeCommand settings = usageError(() -> effective(readConfigFile()));
        PoolConfig config = usageError(settings::config);
        if (printConfig) {
            settings.printConfig(spec.commandLine().getOut());
            return 0;
        }
        current = settings;
        boolean logAll = settings.verbose;
        PrintWriter err = spec.commandLine().getErr();
        PoolListener log = new PoolListener() {
            @Override
            public void onEvent(PoolEvent event) {
                if (logAll || event.level() != PoolEvent.Level.DEBUG) {
                    err.println(event);
                    err.flush();
                }
            }

            @Override
            public boolean wantsDebugEvents() {
                return logAll;
            }

            @Override
            public boolean wantsSnapshots() {
                return false;
            }
        };
        PoolServer server;
        try {
            server = PoolServer.start(config, log);
        } catch (PoolStartException e) {
            err.println("pooldisk serve: " + e.getMessage());
            return 1;
        }
        ServerSignals.install(server, () -> reload(server));
        String pids = server.snapshot().workers().stream()
                .map(w -> Integer.toString(w.pid()))
                .collect(Collectors.joining(" "));
        PrintWriter out = spec.commandLine().getOut();
        out.println("PoolDisk listening on " + server.snapshot().listenAddress() + " with " + config.workers()
                + (config.workers() == 1 ? " worker" : " workers") + " (pids " + pids + "), data in "
                + config.dataDir());
        out.flush();
        while (!server.awaitTermination(Duration.ofDays(1))) {
            // serve until stopped
        }
        if (server.failure() != null) {
            err.println("pooldisk serve: " + server.failure());
            return 1;
        }
        return 0;
    }

    static boolean isSetting(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !NOT_SETTINGS.contains(option.longestName());
    }

    /** The file to read: --config's, else pooldisk.properties in the data directory (--data's or the default). */
    ConfigFile readConfigFile() throws ConfigFile.Invalid {
        if (configFile != null) {
            return ConfigFile.read(configFile.toAbsolutePath(), true);
        }
        Path dir = data.toAbsolutePath();
        // No directory (yet): no file. Starting makes the directory, or says what is wrong with it (exit 1).
        return Files.isDirectory(dir)
                ? ConfigFile.read(dir.resolve(ConfigFile.NAME), false)
                : ConfigFile.none(dir.resolve(ConfigFile.NAME));
    }

    /**
     * The settings in force: a new command whose every option is the command line's when given there, else the
     * file's, else the default. Generic over the options, so that one added to this class is covered as it stands.
     *
     * @throws ConfigFile.Invalid naming the file, the line and what is wrong
     */
    ServeCommand effective(ConfigFile file) throws ConfigFile.Invalid {
        check(file);
        ServeCommand settings = new ServeCommand();
        CommandLine cl = new CommandLine(settings);
        cl.setDefaultValueProvider(new FileDefaults(file, new ServeDefaults()));
        try {
            cl.parseArgs();
        } catch (CommandLine.ParameterException e) {
            throw new ConfigFile.Invalid(file.path() + ": " + e.getMessage());
        }
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (OptionSpec option : given.matchedOptions()) {
            settings.spec.findOption(option.longestName()).setValue(option.getValue());
        }
        settings.source = file;
        settings.fromCommandLine =
                given.matchedOptions().stream().map(OptionSpec::longestName).collect(Collectors.toSet());
        return settings;
    }

    /** Each entry alone, so that an error names its line: a known key, a value its option takes. */
    private void check(ConfigFile file) throws ConfigFile.Invalid {
        Map<String, OptionSpec> settings = new TreeMap<>();
        spec.options().stream().filter(ServeCommand::isSetting).forEach(o -> settings.put(FileDefaults.key(o), o));
        for (ConfigFile.Entry e : file.entries().values()) {
            OptionSpec option = settings.get(e.key());
            if (option == null) {
                String where = file.path() + " line " + e.line() + ": ";
                OptionSpec other = spec.findOption(e.key());
                if (other != null && e.key().length() > 1) {
                    throw new ConfigFile.Invalid(where + "'" + e.key() + "' is for the command line only");
                }
                String near = settings.keySet().stream()
                        .filter(k -> distance(k, e.key()) <= 2)
                        .findFirst()
                        .map(k -> "; did you mean '" + k + "'?")
                        .orElse(" (the keys are the long options without the dashes)");
                throw new ConfigFile.Invalid(where + "unknown key '" + e.key() + "'" + near);
            }
            if (e.value().isEmpty()) {
                continue;
            }
            ServeCommand alone = new ServeCommand();
            CommandLine cl = new CommandLine(alone);
            FileDefaults one =
                    new FileDefaults(new ConfigFile(file.path(), true, Map.of(e.key(), e)), new ServeDefaults());
            cl.setDefaultValueProvider(one);
            try {
                cl.parseArgs();
                alone.config();
            } catch (CommandLine.ParameterException ex) {
                throw new ConfigFile.Invalid(file.where(e) + ": " + ex.getMessage());
            }
            if (configFile == null && option.longestName().equals("--data")) {
                Path named = Path.of(one.fileValue(option)).normalize();
                if (!named.equals(data.toAbsolutePath().normalize())) {
                    throw new ConfigFile.Invalid(file.where(e) + ": the file in a data directory cannot move it to"
                            + " another; use --data DIR, or --config FILE with this key");
                }
            }
        }
    }

    /** Levenshtein's distance: how many letters to add, remove or change to make one word the other. */
    private static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(
                        Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

    /** Every setting as a line of the configuration file, with where its value came from. */
    private void printConfig(PrintWriter out) {
        out.println("# pooldisk serve: the configuration in effect: defaults, then " + source.path()
                + (source.exists() ? "" : " (there is none)") + ", then the command line");
        ServeDefaults defaults = new ServeDefaults();
        FileDefaults file = new FileDefaults(source, defaults);
        for (OptionSpec option : spec.options()) {
            if (!isSetting(option)) {
                continue;
            }
            String from = fromCommandLine.contains(option.longestName())
                    ? "flag"
                    : file.fileValue(option) != null ? "file" : "default";
            String line = FileDefaults.key(option) + " = " + valueText(option, from, file, defaults);
            out.println(String.format("%-36s # %s", line, from));
        }
        out.flush();
    }

    /** A value in the syntax it was given in (a path made absolute, so that the line means the same anywhere). */
    private static String valueText(OptionSpec option, String from, FileDefaults file, ServeDefaults defaults) {
        Object value = option.getValue();
        if (value instanceof Path p) {
            return p.toAbsolutePath().normalize().toString();
        }
        String text = switch (from) {
            case "flag" ->
                option.originalStringValues().isEmpty()
                        ? String.valueOf(value)
                        : String.join(",", option.originalStringValues());
            case "file" -> file.fileValue(option);
            // ServeDefaults', else the option's own (an option added with a defaultValue in its annotation).
            default -> defaults.defaultValue(option) != null ? defaults.defaultValue(option) : option.defaultValue();
        };
        if (text == null) {
            boolean scalar = value instanceof Boolean || value instanceof Number || value instanceof CharSequence;
            text = scalar ? value.toString() : "";
        }
        return text;
    }

    /**
     * SIGHUP: reads the file again and applies it, the command line still over it. A file with an error is logged and
     * changes nothing: the server goes on as it was.
     */
    private synchronized void reload(PoolServer server) {
        try {
            ServeCommand next = effective(readConfigFile());
            PoolConfig config = next.config();
            if (current != null && next.verbose != current.verbose) {
                server.log(event(
                        PoolEvent.Level.WARN,
                        "verbose changed to " + next.verbose + ": restart the server to apply it"));
            }
            server.reload(config);
        } catch (ConfigFile.Invalid | CommandLine.ParameterException e) {
            server.log(event(PoolEvent.Level.ERROR, "configuration not reloaded, nothing changed: " + e.getMessage()));
        } catch (RuntimeException e) {
            // Never let a reload end the server: say what happened and go on as before.
            server.log(event(PoolEvent.Level.ERROR, "configuration not reloaded, nothing changed: " + e));
        }
    }

    private static PoolEvent event(PoolEvent.Level level, String message) {
        return new PoolEvent(Instant.now(), level, PoolEvent.Kind.SERVER, message);
    }

    /** Runs {@code step}; a configuration problem becomes a bad command line (exit 2) of this command. */
    private <T> T usageError(ConfigStep<T> step) {
        try {
            return step.run();
        } catch (ConfigFile.Invalid e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (CommandLine.ParameterException e) {
            throw e.getCommandLine() == spec.commandLine()
                    ? e
                    : new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @FunctionalInterface
    private interface ConfigStep<T> {
        T run() throws ConfigFile.Invalid;
    }

    PoolConfig config() {
        CommandLine cl = spec.commandLine();
        if (workers < 1 || workers > PoolConfig.MAX_WORKERS) {
            throw new CommandLine.ParameterException(
                    cl, "--workers must be between 1 and " + PoolConfig.MAX_WORKERS + ", not " + workers);
        }
        if (logFiles < 1 || logFiles > PoolConfig.MAX_LOG_FILES) {
            throw new CommandLine.ParameterException(
                    cl, "--log-files must be between 1 and " + PoolConfig.MAX_LOG_FILES + ", not " + logFiles);
        }
        if (maxPending < 0 || maxRequests < 0 || maxSessions < 1 || loginMaxFailures < 1) {
            throw new CommandLine.ParameterException(
                    cl,
                    "--max-pending and --max-requests must not be negative, "
                            + "--max-sessions and --login-max-failures must be at least 1");
        }
        int jitter = maxRequestsJitter != null ? maxRequestsJitter : maxRequests / 10;
        return PoolConfig.builder()
                .bind(new InetSocketAddress(resolveHost(cl, host), resolvePort(cl, port)))
                .workers(workers)
                .dataDir(data != null ? data.toAbsolutePath() : DataDirs.defaultDataDir())
                .maxPending(maxPending)
                .queueTimeout(queueTimeout)
                .requestTimeout(requestTimeout)
                .maxRequests(maxRequests)
                .maxRequestsJitter(Math.max(0, jitter))
                .grace(grace)
                .idleTimeout(idleTimeout)
                .linger(linger)
                .maxSessions(maxSessions)
                .uploadTtl(uploadTtl)
                .loginMaxFailures(loginMaxFailures)
                .loginWindow(loginWindow)
                .loginBan(loginBan)
                .instantUploads(instantUpload)
                .metrics(metrics == null ? null : metricsAddress(cl, metrics))
                .proxyFrom(proxyFrom != null ? proxyFrom : ProxySources.NONE)
                .logMaxBytes(logMaxSize)
                .logFiles(logFiles)
                .build();
    }

    /** "127.0.0.1:9180", "localhost:9180", "[::1]:9180": the host resolved as --host's, the port as --port's. */
    static InetSocketAddress metricsAddress(CommandLine cl, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0
                || colon == hostPort.length() - 1
                || !hostPort.startsWith("[") && hostPort.indexOf(':') != colon) {
            throw new CommandLine.ParameterException(
                    cl, "--metrics wants HOST:PORT (an IPv6 address in brackets), not '" + hostPort + "'");
        }
        return new InetSocketAddress(
                resolveHost(cl, hostPort.substring(0, colon)), resolvePort(cl, hostPort.substring(colon + 1)));
    }

    static InetAddress resolveHost(CommandLine cl, String host) {
        try {
            return InetAddress.getByName(
                    host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(cl, "cannot resolve host '" + host + "'");
        }
    }

    static int resolvePort(CommandLine cl, String port) {
        if (port.matches("\\d{1,5}")) {
            int n = Integer.parseInt(port);
            if (n <= 65535) {
                return n;
            }
        }
        int byName = port.matches("[A-Za-z][A-Za-z0-9._-]*") ? Sockets.servicePort(port) : -1;
        if (byName < 0) {
            throw new CommandLine.ParameterException(
                    cl, "'" + port + "' is neither a port number (0-65535) nor a known service name");
        }
        return byName;
    }

    /** {@code own}, {@code all} or {@code off}, as written in --help. */
    static final class InstantUploads implements CommandLine.ITypeConverter<InstantUploadPolicy> {
        @Override
        public InstantUploadPolicy convert(String value) {
            try {
                return InstantUploadPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** --proxy-from's list. */
    static final class Proxies implements CommandLine.ITypeConverter<ProxySources> {
        @Override
        public ProxySources convert(String value) {
            try {
                return ProxySources.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
