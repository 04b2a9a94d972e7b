package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.PoolDiskProcess;
import io.pooldisk.testing.Procfs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code serve}'s configuration file: precedence, --print-config, errors, and SIGHUP on a real server. */
class ServeConfigTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern LINE = Pattern.compile("^([a-z-]+) = (.*?)\\s+# (default|file|flag)$");

    @TempDir
    Path tmp;

    private record Run(int exitCode, String out, String err) {
        /** key: [value, where it came from], from --print-config's lines. */
        Map<String, List<String>> settings() {
            Map<String, List<String>> settings = new TreeMap<>();
            for (String line : out.lines().toList()) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    assertThat(settings.put(m.group(1), List.of(m.group(2), m.group(3))))
                            .as("%s printed once", m.group(1))
                            .isNull();
                } else {
                    assertThat(line)
                            .as("a line that is no setting is a comment")
                            .startsWith("#");
                }
            }
            return settings;
        }
    }

    /** {@code pooldisk ARGS} in this JVM, as {@code main} runs it. */
    private static Run pooldisk(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PoolDiskCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path data() throws Exception {
        return Files.createDirectories(tmp.resolve("data"));
    }

    private Path dataDirFile(String text) throws Exception {
        return Files.writeString(data().resolve("pooldisk.properties"), text);
    }

    @Test
    void aFlagOverridesTheFileWhichOverridesTheDefault() throws Exception {
        dataDirFile("# mine\nworkers = 7\nlinger: 1s   # longer\n\nrequest-timeout = 30s\n");
        Run run = pooldisk("serve", "--data", data().toString(), "--workers", "3", "--print-config");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, List<String>> settings = run.settings();
        assertThat(settings.get("workers")).containsExactly("3", "flag");
        assertThat(settings.get("linger")).containsExactly("1s", "file");
        assertThat(settings.get("request-timeout")).containsExactly("30s", "file");
        assertThat(settings.get("grace")).containsExactly("10s", "default");
        assertThat(settings.get("port")).containsExactly("8080", "default");
        assertThat(settings.get("data")).containsExactly(data().toString(), "flag");
        assertThat(run.out())
                .startsWith("# ")
                .contains(data().resolve("pooldisk.properties").toString());
    }

    /** Iterates serve's own options, so that an option added later must show too. */
    @Test
    void printConfigShowsEveryOptionAndItsOutputIsAConfigurationFile() throws Exception {
        Run run = pooldisk("serve", "--data", data().toString(), "--max-requests", "100", "-v", "--print-config");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, List<String>> printed = run.settings();
        List<OptionSpec> settings = new CommandLine(new ServeCommand())
                .getCommandSpec().options().stream()
                        .filter(ServeCommand::isSetting)
                        .toList();
        assertThat(settings).hasSizeGreaterThan(15);
        for (OptionSpec option : settings) {
            assertThat(printed).containsKey(option.longestName().substring(2));
        }
        assertThat(printed).hasSameSizeAs(settings).doesNotContainKeys("config", "print-config", "help", "version");
        assertThat(printed.get("verbose")).containsExactly("true", "flag");
        assertThat(printed.get("max-requests")).containsExactly("100", "flag");

        Path saved = Files.writeString(tmp.resolve("saved.properties"), run.out());
        Run again = pooldisk("serve", "--config", saved.toString(), "--print-config");
        assertThat(again.exitCode()).as(again.err()).isZero();
        Map<String, List<String>> reread = again.settings();
        for (var e : printed.entrySet()) {
            String where = e.getValue().get(0).isEmpty() ? "default" : "file";
            assertThat(reread.get(e.getKey()))
                    .as(e.getKey())
                    .containsExactly(e.getValue().get(0), where);
        }

        // The data directory's file may say data when it names itself: the output saved there is one too.
        Files.writeString(data().resolve("pooldisk.properties"), run.out());
        Run inPlace = pooldisk("serve", "--data", data().toString(), "--print-config");
        assertThat(inPlace.exitCode()).as(inPlace.err()).isZero();
        assertThat(inPlace.settings().get("max-requests")).containsExactly("100", "file");
    }

    @Test
    void configNamesTheFileAndMayMoveTheDataDirectory() throws Exception {
        Path other = tmp.resolve("elsewhere");
        Path file = Files.writeString(tmp.resolve("pd.properties"), "data = elsewhere\nport = 9999\n");
        dataDirFile("port = 1234\n"); // not read: --config replaces it
        Run run = pooldisk("serve", "--config", file.toString(), "--print-config");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.settings().get("data")).containsExactly(other.toString(), "file");
        assertThat(run.settings().get("port")).containsExactly("9999", "file");

        Run missing =
                pooldisk("serve", "--config", tmp.resolve("nope.properties").toString(), "--print-config");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip())
                .isEqualTo("pooldisk serve: configuration file " + tmp.resolve("nope.properties")
                        + " does not exist (see 'pooldisk serve --help')");

        Run none = pooldisk("serve", "--data", data().resolve("empty").toString(), "--print-config");
        assertThat(none.exitCode())
                .as("no file in the data directory: defaults")
                .isZero();
        assertThat(none.settings().get("port")).containsExactly("8080", "default");
    }

    @Test
    void aBadFileIsAnErrorThatNamesTheFileTheLineAndTheReason() throws Exception {
        String[][] cases = {
            {"workers = 2\nwokers = 3\n", "line 2: unknown key 'wokers'; did you mean 'workers'?"},
            {"workers = eight\n", "line 1: workers = eight: Invalid value for option '--workers': 'eight' is not an int"
            },
            {"workers = 0\n", "line 1: workers = 0: --workers must be between 1 and 256, not 0"},
            {"# a comment\nlinger = soon\n", "line 2: linger = soon: Invalid value for option '--linger': 'soon' is"},
            {"workers 3\n", "line 1: expected 'key = value', not 'workers 3'"},
            {"linger = 1s\nlinger = 2s\n", "line 2: 'linger' is set already on line 1"},
            {"config = other.properties\n", "line 1: 'config' is for the command line only"},
            {"host = no-such-host.invalid\n", "line 1: host = no-such-host.invalid: cannot resolve host"},
            {"data = /tmp\n", "line 1: data = /tmp: the file in a data directory cannot move it"},
        };
        for (String[] c : cases) {
            Path file = dataDirFile(c[0]);
            Run run = pooldisk("serve", "--data", data().toString(), "--print-config");
            assertThat(run.exitCode()).as(c[0]).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).as(c[0]).startsWith("pooldisk serve: " + file + " " + c[1]);
            assertThat(run.err().lines()).hasSize(1);
        }

        Path directory = Files.createDirectories(tmp.resolve("a-directory"));
        Run unreadable = pooldisk("serve", "--config", directory.toString(), "--print-config");
        assertThat(unreadable.exitCode()).isEqualTo(2);
        assertThat(unreadable.err()).startsWith("pooldisk serve: cannot read configuration file " + directory + ": ");
    }

    private static void hangUp(long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(pid))
                        .start()
                        .waitFor())
                .isZero();
    }

    private String statusJson(String data) throws Exception {
        try (PoolDiskProcess status = PoolDiskProcess.start(tmp.resolve("logs"), "status", "--json", "--data", data)) {
            assertThat(status.waitFor(PATIENCE)).isZero();
            return status.stdout();
        }
    }

    /**
     * A real server started with a file; the file is edited and SIGHUP applies it: the worker count, the workers'
     * options (but the flag's linger, which the command line still overrides), a restart warning for the port. A
     * session open all along is kept. Then a broken file on SIGHUP is logged and changes nothing.
     */
    @Test
    void sighupRereadsTheFileAndAppliesItWithoutLosingASession() throws Exception {
        String data = data().toString();
        dataDirFile("port = 0\nworkers = 2\nlinger = 1s\n");
        try (PoolDiskProcess server =
                PoolDiskProcess.start(tmp.resolve("logs"), "serve", "--data", data, "--linger", "200ms")) {
            PoolDiskProcess.Listening up = server.awaitListening(PATIENCE);
            long master = server.process().pid();
            assertThat(statusJson(data)).contains("\"total\":2,");
            assertThat(Procfs.pidsWithArgument("--master-pid " + master + " --linger-ms 200 --login-max-failures 5"))
                    .hasSize(2);

            try (LineClient session = new LineClient(new InetSocketAddress("127.0.0.1", up.port()))) {
                assertThat(session.request("ECHO before")).endsWith("BEFORE");

                dataDirFile("port = 1\nworkers = 3\nlinger = 1s\nlogin-max-failures = 7\n");
                hangUp(master);
                String renewed = "--master-pid " + master + " --linger-ms 200 --login-max-failures 7";
                await().atMost(PATIENCE)
                        .until(() -> Procfs.pidsWithArgument(renewed).size() == 3);
                await().atMost(PATIENCE).until(() -> up.workerPids().stream().noneMatch(Procfs::alive));
                // Ready, not only started: on a loaded machine a worker JVM may take longer than --queue-timeout.
                await().atMost(PATIENCE).until(() -> statusJson(data).contains("\"idle\":3,"));
                assertThat(server.stderr())
                        .contains("configuration reloaded: workers 2 -> 3, loginMaxFailures 5 -> 7")
                        .contains("WARN [server] the address changed to 127.0.0.1:1: restart the server")
                        .contains("still on 127.0.0.1:0");

                String after = session.request("ECHO after");
                assertThat(after).endsWith("AFTER");
                assertThat(up.workerPids()).doesNotContain((long) LineClient.pidOf(after));

                dataDirFile("workers = lots\n");
                hangUp(master);
                await().atMost(PATIENCE).until(() -> server.stderr().contains("ERROR [server] configuration not"));
                assertThat(server.stderr())
                        .contains("configuration not reloaded, nothing changed: " + data
                                + "/pooldisk.properties line 1: workers = lots: ");
                assertThat(server.process().isAlive()).isTrue();
                assertThat(session.request("ECHO still")).endsWith("STILL");
                assertThat(statusJson(data)).contains("\"total\":3,");
                assertThat(Procfs.pidsWithArgument(renewed)).hasSize(3);
            }
            server.process().destroy();
            assertThat(server.waitFor(PATIENCE)).isZero();
        }
    }
}
