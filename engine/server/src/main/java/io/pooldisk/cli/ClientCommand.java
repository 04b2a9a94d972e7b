package io.pooldisk.cli;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.KnownServers;
import io.pooldisk.client.TlsOptions;
import io.pooldisk.client.UntrustedCertificateException;
import io.pooldisk.protocol.DefaultAddress;
import io.pooldisk.protocol.ReplyCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.builtins.Completers.FileNameCompleter;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pooldisk client}: the seed's client, as a shell with history, line editing and completion on a terminal, as a
 * script reader when standard input is not one (one command a line, as {@code sftp -b} and {@code psql} read them), or
 * one command at a time.
 */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connect to a PoolDisk server. With no COMMAND: an interactive shell on a terminal (type help), or, when"
                    + " standard input is not a terminal, the commands it holds, one a line (after the password line"
                    + " with --password-stdin), stopping at the first that fails.",
            "With a COMMAND: run it and exit.",
            "Commands: ls [-l] [PATH], cd [PATH|-], pwd, mkdir [-p] PATH, rm [-r] PATH, mv FROM TO,"
                    + " put LOCAL [REMOTE], get REMOTE [LOCAL], stat PATH, echo TEXT, whoami, quit."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the server refused (its message is printed), could not be reached, or a local file failed",
            "2:bad command line (also a wrong command or arguments given to run)"
        })
final class ClientCommand implements Callable<Integer> {

    /** Tries at the password prompt before giving up, as sudo and ssh allow. */
    private static final int PASSWORD_TRIES = 3;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = DefaultAddress.HOST,
            description = "Server host. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "" + DefaultAddress.PORT,
            description = "Port number or service name. Default: ${DEFAULT-VALUE}.")
    String port;

    @Option(
            names = "--tls",
            description = "Speak TLS, to a TLS-terminating proxy (HAProxy) in front of the server (docs/DEPLOYMENT.md)."
                    + " The server's certificate must be vouched for by the JDK's trust store and name HOST, or be"
                    + " the one --tls-fingerprint gives, or one trusted before (~/.config/pooldisk/known_servers); on"
                    + " a terminal, an unknown certificate's fingerprint is shown and you are asked whether to trust"
                    + " it, and a changed one is refused with a warning, as ssh does.")
    boolean tls;

    @Option(
            names = "--tls-fingerprint",
            paramLabel = "SHA256:HEX",
            description = "Trust only the certificate with this SHA-256 fingerprint (a self-signed one), as"
                    + " 'openssl x509 -noout -fingerprint -sha256 -in CERT' prints it. Implies --tls.")
    String tlsFingerprint;

    @Option(
            names = "--user",
            paramLabel = "NAME",
            description = "Log in as NAME (asks for the password without echo, unless --password-stdin)."
                    + " Without it only echo works.")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Option(
            names = {"-k", "--keep-going"},
            description = "Reading commands from standard input: go on after a command fails (the exit code is 1"
                    + " all the same).")
    boolean keepGoing;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and its arguments.")
    List<String> command = List.of();

    private BufferedReader stdin;
    private char[] password;
    /** null: plain TCP. */
    private TlsOptions tlsOptions;

    @Override
    public Integer call() throws IOException {
        int portNumber = ServeCommand.resolvePort(spec.commandLine(), port);
        tlsOptions = tlsOptions();
        boolean terminal = System.console() != null;
        if (user != null) {
            password = passwordStdin ? passwordFromStdin() : askPassword();
        }
        ClientShell.Connector connector = () -> connect(portNumber);
        ClientShell shell;
        try {
            shell = new ClientShell(connector, System.out, System.err, terminal);
        } catch (IOException e) {
            return fail(e);
        }
        if (!command.isEmpty()) {
            try {
                shell.run(command);
                return 0;
            } catch (IOException e) {
                return fail(e);
            }
        }
        return terminal ? interactive(shell) : batch(shell);
    }

    /** Connects and logs in with the saved password; on a terminal, a refused password is asked for again. */
    private DiskClient connect(int portNumber) throws IOException {
        for (int tries = 1; ; tries++) {
            DiskClient c = open(portNumber);
            if (user == null) {
                return c;
            }
            try {
                c.login(user, password);
                return c;
            } catch (DiskClientException e) {
                c.close();
                boolean canAsk = !passwordStdin && System.console() != null && tries < PASSWORD_TRIES;
                if (!e.is(ReplyCode.UNAUTHORIZED) || !canAsk) {
                    throw e;
                }
                System.err.println(e + "; try again");
                Arrays.fill(password, '\0');
                password = askPassword();
            } catch (IOException e) {
                c.close();
                throw e;
            }
        }
    }

    private TlsOptions tlsOptions() {
        if (!tls && tlsFingerprint == null) {
            return null;
        }
        try {
            return new TlsOptions(tlsFingerprint, KnownServers.ofUser());
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--tls-fingerprint: " + e.getMessage());
        }
    }

    /**
     * Connects, over TLS when asked. A certificate nobody vouches for is shown by its fingerprint and, on a terminal,
     * trusted once the person says so (and remembered); a changed one is refused, as ssh refuses a changed host key.
     */
    private DiskClient open(int portNumber) throws IOException {
        try {
            return DiskClient.connect(host, portNumber, tlsOptions);
        } catch (UntrustedCertificateException e) {
            Path file = tlsOptions.known().file();
            if (tlsFingerprint != null) {
                throw e;
            }
            if (e.changed()) {
                throw new DiskClientException(
                        0,
                        e.getMessage() + ". If the change is expected, remove the line for " + e.server() + " from "
                                + file + " (or give --tls-fingerprint).");
            }
            if (System.console() == null) {
                throw new DiskClientException(
                        0,
                        e.getMessage() + ". If that is the server's certificate, give --tls-fingerprint "
                                + e.fingerprint() + " (or connect once from a terminal to trust it).");
            }
            System.err.println("The TLS certificate of " + e.server() + " is not trusted (" + e.reason() + ").");
            System.err.println("Its SHA-256 fingerprint is " + e.fingerprint() + ".");
            System.err.println("Compare it with the server's certificate"
                    + " (openssl x509 -noout -fingerprint -sha256 -in CERT on the server).");
            String answer = System.console().readLine("Trust it and remember it in %s? [y/N] ", file);
            if (answer == null
                    || !answer.strip().toLowerCase(java.util.Locale.ROOT).matches("y|yes")) {
                throw new DiskClientException(0, "not connected: the certificate of " + e.server() + " is not trusted");
            }
            tlsOptions.known().remember(e.server(), e.fingerprint());
            System.err.println("Trusted " + e.server() + " as " + e.fingerprint() + ".");
            return DiskClient.connect(host, portNumber, tlsOptions);
        }
    }

    /** Commands from standard input, one a line; blank lines and lines starting with # are skipped. */
    private int batch(ClientShell shell) throws IOException {
        BufferedReader in = stdin();
        int lineNumber = passwordStdin ? 1 : 0; // numbered as in the input, the password's line included
        boolean failed = false;
        for (String line; (line = in.readLine()) != null; ) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            try {
                if (!shell.run(trimmed)) {
                    break;
                }
            } catch (IOException e) {
                failed = true;
                System.err.println("pooldisk client: line " + lineNumber + ": " + trimmed + ": " + message(e));
                if (!keepGoing) {
                    return e instanceof ClientShell.UsageException ? 2 : 1;
                }
            }
        }
        return failed ? 1 : 0;
    }

    private int interactive(ClientShell shell) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("pooldisk")
                    .completer(completer(shell))
                    .variable(LineReader.HISTORY_FILE, historyFile())
                    .build();
            System.out.println("connected to " + host + ":" + port + (tlsOptions != null ? " over TLS" : "")
                    + (user != null ? " as " + user : "")
                    + "; type help, quit or Ctrl-D to leave");
            while (true) {
                String line;
                try {
                    line = reader.readLine("pooldisk:" + shell.cwd() + "> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    shell.run("quit");
                    return 0;
                }
                try {
                    if (!shell.run(line)) {
                        return 0;
                    }
                } catch (IOException e) {
                    System.out.println(message(e));
                }
            }
        }
    }

    /** Commands complete the first word; put's first argument completes local names, all others remote ones. */
    private static org.jline.reader.Completer completer(ClientShell shell) {
        FileNameCompleter local = new FileNameCompleter();
        List<String> commands = List.of(
                "ls", "cd", "pwd", "mkdir", "rm", "mv", "put", "get", "stat", "echo", "whoami", "help", "quit", "exit");
        return (reader, line, candidates) -> {
            if (line.wordIndex() == 0) {
                commands.forEach(c -> candidates.add(new Candidate(c)));
            } else if (line.words().get(0).equals("put") && line.wordIndex() == 1) {
                local.complete(reader, line, candidates);
            } else {
                for (String name : shell.completions(line.word().substring(0, line.wordCursor()))) {
                    candidates.add(new Candidate(name, name, null, null, null, null, !name.endsWith("/")));
                }
            }
        };
    }

    /** ~/.pooldisk_history, its owner's alone: the commands name files and folders. */
    private static Path historyFile() throws IOException {
        Path file = Path.of(System.getProperty("user.home"), ".pooldisk_history");
        var ownerOnly = PosixFilePermissions.fromString("rw-------");
        if (Files.notExists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } else {
            Files.setPosixFilePermissions(file, ownerOnly);
        }
        return file;
    }

    private BufferedReader stdin() {
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return stdin;
    }

    private char[] passwordFromStdin() throws IOException {
        String line = stdin().readLine();
        if (line == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--password-stdin: nothing on standard input");
        }
        return line.toCharArray();
    }

    private char[] askPassword() {
        if (System.console() == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "no terminal to ask for the password on; use --password-stdin");
        }
        char[] pw = System.console().readPassword("password for %s: ", user);
        if (pw == null || pw.length == 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no password given");
        }
        return pw;
    }

    private int fail(IOException e) {
        PrintStream err = System.err;
        err.println("pooldisk client: " + message(e));
        if (e instanceof ClientShell.UsageException) {
            err.println("Try 'pooldisk client --help' for more information.");
            return 2;
        }
        return 1;
    }

    /** The server's refusal as it came ("ERR 404 ..."); any other failure by its message. */
    private static String message(IOException e) {
        return e instanceof DiskClientException ? e.toString() : e.getMessage();
    }
}
