package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pooldisk ban list|add|del} as a person runs it: a real process, against a running server and without one. */
class BanCommandTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private PoolServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Run(int exit, String out, String err) {}

    private Run pooldisk(Path data, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.pooldisk.cli.PoolDiskCommand"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data", data.toString()));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as(err).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void addListAndDelOnARunningServer() throws Exception {
        Path data = TestServers.dataWithUsers(tmp);
        server = PoolServer.start(TestServers.config(data, 1).build());

        Run add = pooldisk(data, "ban", "add", "127.9.9.9/8", "--for", "2h", "--reason", "port scan");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).startsWith("banned 127.0.0.0/8 until ");
        assertThat(add.err()).isEmpty();
        await().atMost(PATIENCE).until(() -> refused(server));

        Run list = pooldisk(data, "ban", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).first().asString().matches("NETWORK +SOURCE +SINCE +UNTIL +REASON");
        assertThat(list.out().lines()).anyMatch(l -> l.matches("127\\.0\\.0\\.0/8 +manual +\\S+Z +\\S+Z +port scan"));
        Run json = pooldisk(data, "ban", "list", "--json");
        assertThat(json.out()).startsWith("[{\"network\":\"127.0.0.0/8\"");

        Run del = pooldisk(data, "ban", "del", "127.0.0.0/8");
        assertThat(del.exit()).isZero();
        assertThat(del.out().strip()).isEqualTo("lifted the ban on 127.0.0.0/8");
        await().atMost(PATIENCE).until(() -> !refused(server));

        Run again = pooldisk(data, "ban", "del", "127.0.0.0/8");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("pooldisk ban del: no ban on 127.0.0.0/8");
    }

    @Test
    void withNoServerRunningTheStoredListIsChangedAndTheNextServerKeepsIt() throws Exception {
        Path data = TestServers.dataWithUsers(tmp);
        Run add = pooldisk(data, "ban", "add", "127.0.0.1", "--permanent");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out().strip()).isEqualTo("banned 127.0.0.1 permanently");
        assertThat(add.err()).contains("no server is running on", "applies when the server starts");
        Run list = pooldisk(data, "ban", "list");
        assertThat(list.out()).contains("127.0.0.1", "manual", "permanent");

        server = PoolServer.start(TestServers.config(data, 1).build());
        await().atMost(PATIENCE).until(() -> refused(server));
        server.close();
        server = null;

        Run del = pooldisk(data, "ban", "del", "127.0.0.1");
        assertThat(del.exit()).as(del.err()).isZero();
        assertThat(pooldisk(data, "ban", "list").out().strip()).isEqualTo("no bans");
    }

    @Test
    void badCommandLinesExitTwoWithOneLine() throws Exception {
        Path data = TestServers.dataWithUsers(tmp);
        Run badNet = pooldisk(data, "ban", "add", "10.0.0.0/33", "--for", "1h");
        assertThat(badNet.exit()).isEqualTo(2);
        assertThat(badNet.err().strip())
                .isEqualTo("pooldisk ban add: /33 is too long for an IPv4 network: the prefix length is 0-32"
                        + " (see 'pooldisk ban add --help')");
        Run noLength = pooldisk(data, "ban", "add", "10.0.0.0/8");
        assertThat(noLength.exit()).isEqualTo(2);
        assertThat(noLength.err()).contains("give either --for DURATION or --permanent");
        Run badLength = pooldisk(data, "ban", "add", "10.0.0.0/8", "--for", "soon");
        assertThat(badLength.exit()).isEqualTo(2);
        assertThat(badLength.err()).contains("'soon' is not a ban length");
        Run noDir = pooldisk(tmp.resolve("typo"), "ban", "list");
        assertThat(noDir.exit()).isEqualTo(1);
        assertThat(noDir.err()).startsWith("pooldisk ban list: no data directory at");
    }

    private static boolean refused(PoolServer server) throws Exception {
        try (LineClient c = new LineClient(server.address())) {
            String line = c.request("ECHO probe");
            return line != null && line.startsWith("ERR 403 your address is banned");
        }
    }
}
