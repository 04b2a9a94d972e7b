package io.pooldisk.cli;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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

/** {@code pooldisk client}: the seed's client, as a shell with history and line editing or one command at a time. */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connect to a PoolDisk server. With no COMMAND: an interactive shell (type help).",
            "With a COMMAND: run it and exit 0, or exit 1 with the server's message.",
            "Commands: ls [PATH], cd PATH, pwd, mkdir PATH, rm [-r] PATH, mv FROM TO, put LOCAL [REMOTE], "
                    + "get REMOTE [LOCAL], stat PATH, echo TEXT, whoami."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the server refused (its message is printed) or could not be reached",
            "2:bad command line"
        })
final class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", description = "Server host. Default: ${DEFAULT-VALUE}.")
    String host = "127.0.0.1";

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port number or service name. Default: " + "${DEFAULT-VALUE}.")
    String port = "8080";

    @Option(
            names = "--user",
            paramLabel = "NAME",
            description = "Log in as NAME (asks for the password without "
                    + "echo, unless --password-stdin). Without it only echo works.")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command and its arguments.")
    List<String> command = List.of();

    @Override
    public Integer call() throws IOException {
        int portNumber = ServeCommand.resolvePort(spec.commandLine(), port);
        char[] password = user == null ? null : readPassword();
        ClientShell.Connector connector = () -> {
            DiskClient c = DiskClient.connect(host, portNumber);
            if (user != null) {
                try {
                    c.login(user, password);
                } catch (IOException e) {
                    c.close();
                    throw e;
                }
            }
            return c;
        };
        boolean terminal = System.console() != null;
        ClientShell shell;
        try {
            shell = new ClientShell(connector, System.out, terminal);
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
        return interactive(shell);
    }

    private int interactive(ClientShell shell) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("pooldisk")
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".pooldisk_history"))
                    .build();
            System.out.println(
                    "connected to " + host + ":" + port + (user != null ? " as " + user : "") + "; type help");
            while (true) {
                String line;
                try {
                    line = reader.readLine("pooldisk:" + shell.cwd() + "> ");
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    return 0;
                }
                try {
                    if (!shell.run(line)) {
                        return 0;
                    }
                } catch (DiskClientException e) {
                    System.out.println(e);
                } catch (IOException e) {
                    System.out.println("error: " + e.getMessage());
                }
            }
        }
    }

    private char[] readPassword() throws IOException {
        if (passwordStdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--password-stdin: nothing on " + "standard input");
            }
            return line.toCharArray();
        }
        if (System.console() == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "no terminal to ask for the password " + "on; use --password-stdin");
        }
        char[] pw = System.console().readPassword("password for %s: ", user);
        return pw == null ? new char[0] : pw;
    }

    private int fail(IOException e) {
        spec.commandLine()
                .getErr()
                .println("pooldisk client: " + (e instanceof DiskClientException d ? d.toString() : e.getMessage()));
        return 1;
    }
}
