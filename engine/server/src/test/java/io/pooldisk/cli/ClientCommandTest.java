package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.testing.TerminalSession;
import io.pooldisk.testing.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pooldisk client} as a real process against a real server: from a pipe, on a terminal, one command. */
class ClientCommandTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String PASSWORD = "password1";

    @TempDir
    Path tmp;

    private Path data;
    private PoolServer server;

    @BeforeEach
    void start() throws Exception {
        data = TestServers.dataWithUsers(tmp, "ann", PASSWORD, 0);
        server = PoolServer.start(TestServers.config(data, 2).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exit, String out, String err) {}

    private Process client(String... args) throws IOException {
        return client(server.address().getPort(), args);
    }

    private Process client(int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.pooldisk.cli.PoolDiskCommand",
                "client",
                "--port",
                Integer.toString(port)));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(tmp.toFile()).start();
    }

    private Run run(String stdin, String... args) throws Exception {
        return run(server.address().getPort(), stdin, args);
    }

    private Run run(int port, String stdin, String... args) throws Exception {
        Process p = client(port, args);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as(err).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    private Run script(String... lines) throws Exception {
        return run(PASSWORD + "\n" + String.join("\n", lines) + "\n", "--user", "ann", "--password-stdin");
    }

    @Test
    void pipedCommandsRunOneALineAndTheShellNavigatesAsAShellDoes() throws Exception {
        Path local = Files.writeString(tmp.resolve("notes.txt"), "hello, disk\n");
        Run r = script(
                "mkdir -p a/b/c",
                "cd a/b",
                "pwd",
                "cd ..",
                "pwd",
                "cd -",
                "cd",
                "pwd",
                "put notes.txt \"a/b/c/../new dir/notes.txt\"",
                "# a comment, and a blank line, are skipped",
                "",
                "cd a",
                "ls",
                "ls -l \"b/new dir\"",
                "get \"b/new dir/notes.txt\" " + tmp.resolve("back.txt"),
                "quit",
                "pwd");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList())
                .containsSubsequence(
                        "/a/b", "/a", "/a/b", "/", "b/", "saved " + tmp.resolve("back.txt") + " (verified)");
        assertThat(r.out()).contains("stored /a/b/new dir/notes.txt (12 bytes, sha256 ");
        assertThat(r.out()).containsPattern("-\\s+12\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+notes.txt");
        assertThat(Files.readString(tmp.resolve("back.txt"))).isEqualTo(Files.readString(local));
        assertThat(r.out().strip()).doesNotEndWith("/"); // nothing ran after quit
    }

    @Test
    void aFailingCommandStopsTheScriptWithExitOneUnlessToldToKeepGoing() throws Exception {
        Run stops = script("pwd", "ls /nowhere", "mkdir /late");
        assertThat(stops.exit()).isEqualTo(1);
        assertThat(stops.err())
                .isEqualTo("pooldisk client: line 3: ls /nowhere: ERR 404 no such file or directory:" + " /nowhere\n");
        Run keepGoing =
                run(PASSWORD + "\nls /nowhere\nmkdir /late\n", "--user", "ann", "--password-stdin", "--keep-going");
        assertThat(keepGoing.exit()).isEqualTo(1);
        assertThat(script("stat /late").out()).contains("late/");

        Run usage = script("ls -l -x", "pwd");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("line 2: ls -l -x: usage: ls [-l] [PATH]");
    }

    @Test
    void localErrorsNameTheFileAndTheReasonAndAreNeverRetried() throws Exception {
        Run put = script("put /nonexistent/nope.txt");
        assertThat(put.exit()).isEqualTo(1);
        assertThat(put.err())
                .isEqualTo("pooldisk client: line 2: put /nonexistent/nope.txt: cannot read /nonexistent/nope.txt:"
                        + " no such file or directory\n");
        Files.writeString(tmp.resolve("f.txt"), "x");
        Run get = script("put f.txt", "get f.txt /nonexistent/dir/f.txt");
        assertThat(get.exit()).isEqualTo(1);
        assertThat(get.err())
                .contains("cannot save to /nonexistent/dir/f.txt: /nonexistent/dir is not a directory")
                .doesNotContain("resuming")
                .doesNotContain("connection");
        Run dir = script("put " + tmp);
        assertThat(dir.err()).contains("cannot upload " + tmp + ": it is a directory");
    }

    @Test
    void oneCommandExitsTwoOnABadCommandLineAndNamesTheServerItCannotReach() throws Exception {
        Run noArgs = run("", "put");
        assertThat(noArgs.exit()).isEqualTo(2);
        assertThat(noArgs.err()).startsWith("pooldisk client: usage: put LOCAL [REMOTE]\n");
        Run unknown = run("", "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);

        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = s.getLocalPort();
        }
        Run refused = run(closedPort, "", "echo", "hi");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("pooldisk client: cannot connect to 127.0.0.1:" + closedPort + ": Connection refused\n");
    }

    @Test
    void afterTheServerWentAwayTheNextCommandReconnectsWithTheSavedPassword() throws Exception {
        int port = server.address().getPort();
        Process p = client("--user", "ann", "--password-stdin");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try (Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            in.write(PASSWORD + "\nmkdir /kept\ncd /kept\npwd\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("/kept");

            server.close();
            server = PoolServer.start(TestServers.config(data, 2)
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .build());

            in.write("pwd\nls /\nquit\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("/kept");
            assertThat(out.readLine()).isEqualTo("kept/");
        }
        assertThat(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(err).contains("connection lost").contains("reconnecting");
    }

    @Test
    void onATerminalAWrongPasswordIsAskedAgainAndQuitLeavesEvenWithTheServerGone() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        String command = TerminalSession.pooldisk(
                home, "client", "--port", Integer.toString(server.address().getPort()), "--user", "ann");
        try (TerminalSession t = TerminalSession.start(tmp, tmp.resolve("screen.txt"), command)) {
            t.expect("password for ann: ", PATIENCE);
            t.type("wrong password");
            t.expect("ERR 401 .*try again", PATIENCE);
            t.expect("password for ann: ", PATIENCE);
            t.type(PASSWORD);
            t.expect("pooldisk:/> ", PATIENCE);
            t.type("mkdir -p /x/y");
            t.expect("pooldisk:/> ", PATIENCE);
            t.keys("cd /x/\t"); // completes the one name there
            t.expect("cd /x/y/", PATIENCE);
            t.type("");
            t.expect("pooldisk:/x/y> ", PATIENCE);
            t.type("cd ..");
            t.expect("pooldisk:/x> ", PATIENCE);
            t.type("ls -l");
            t.expect("y/", PATIENCE);
            server.close();
            t.type("quit");
            assertThat(t.waitFor(PATIENCE)).isZero();
        }
        Path history = home.resolve(".pooldisk_history");
        assertThat(Files.readString(history)).contains("cd ..");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history)))
                .isEqualTo("rw-------");
    }
}
