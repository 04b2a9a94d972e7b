package io.pooldisk.cli;

import io.pooldisk.disk.InstantUploadPolicy;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolListener;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolStartException;
import io.pooldisk.unix.Sockets;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code pooldisk serve}: the seed's {@code server [hostname] [service] [worker number]}, with names. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        defaultValueProvider = ServeDefaults.class,
        sortOptions = false,
        description = {
            "Run the server headless: a master process and a pool of worker processes.",
            "SIGTERM or SIGINT stops it gracefully; a second one stops it at once. SIGHUP replaces the workers"
                    + " gracefully, SIGUSR1 reopens server.log and audit.log, SIGTTIN and SIGTTOU add and remove"
                    + " a worker."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped normally",
            "1:could not start or run (port in use, data directory in use, workers failing to start)",
            "2:bad command line (unknown option, bad value, unresolvable host)"
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

    @Override
    public Integer call() {
        PoolConfig config = config();
        PrintWriter err = spec.commandLine().getErr();
        PoolListener log = new PoolListener() {
            @Override
            public void onEvent(PoolEvent event) {
                if (verbose || event.level() != PoolEvent.Level.DEBUG) {
                    err.println(event);
                    err.flush();
                }
            }

            @Override
            public boolean wantsDebugEvents() {
                return verbose;
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
        installSignalHandlers(server);
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
                .logMaxBytes(logMaxSize)
                .logFiles(logFiles)
                .build();
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

    /**
     * Signal handlers only ask; the master loop does the work. TERM and INT stop gracefully, a second one at once. As
     * gunicorn and nginx take them: HUP replaces the workers gracefully, USR1 reopens server.log (after logrotate),
     * TTIN and TTOU add and remove a worker. (QUIT stays the JVM's: it prints a thread dump.)
     */
    private static void installSignalHandlers(PoolServer server) {
        Signal.handle(new Signal("HUP"), s -> server.replaceWorkers());
        Signal.handle(new Signal("USR1"), s -> server.reopenLogs());
        Signal.handle(new Signal("TTIN"), s -> server.resizeBy(1));
        Signal.handle(new Signal("TTOU"), s -> server.resizeBy(-1));
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                if (signals.incrementAndGet() == 1) {
                    server.requestStop();
                } else {
                    server.requestFastStop();
                }
            });
        }
    }
}
