package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bans through the control socket, on a real server with real workers and real connections (issue 15). */
class BanServerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private PoolServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBanOnANetworkRefusesAConnectionWithAClearLineAndUnbanLetsItIn() throws Exception {
        Path data = TestServers.dataWithUsers(tmp);
        server = PoolServer.start(TestServers.config(data, 1).build());
        try (LineClient before = new LineClient(server.address())) {
            assertThat(before.request("ECHO hi")).startsWith("OK PROCESS");

            assertThat(control(data, "BAN ADD 127.1.2.3/8 2h port scan")).startsWith("OK banned 127.0.0.0/8 until ");
            // the open session from that network is closed too
            await().atMost(PATIENCE).until(() -> before.readLine() == null);
        }
        await().atMost(PATIENCE).until(() -> firstLine(server.address()) != null);
        assertThat(firstLine(server.address()))
                .matches("ERR 403 your address is banned from this server until \\d{4}-.*Z");

        JsonNode list = JSON.readTree(control(data, "BAN LIST"));
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("network").asText()).isEqualTo("127.0.0.0/8");
        assertThat(list.get(0).get("reason").asText()).isEqualTo("port scan");
        assertThat(list.get(0).get("source").asText()).isEqualTo("manual");
        assertThat(list.get(0).get("until").isNull()).isFalse();

        assertThat(control(data, "BAN DEL 127.0.0.0/8")).isEqualTo("OK lifted the ban on 127.0.0.0/8\n");
        await().atMost(PATIENCE).untilAsserted(() -> {
            try (LineClient after = new LineClient(server.address())) {
                assertThat(after.request("ECHO back")).startsWith("OK PROCESS");
            }
        });
        assertThat(control(data, "BAN LIST").strip()).isEqualTo("[]");
    }

    @Test
    void badRequestsAreAnsweredInTheUsersTerms() throws Exception {
        Path data = TestServers.dataWithUsers(tmp);
        server = PoolServer.start(TestServers.config(data, 1).build());
        assertThat(control(data, "BAN ADD 10.0.0.0/33 1h"))
                .isEqualTo("ERR 400 /33 is too long for an IPv4 network: the prefix length is 0-32\n");
        assertThat(control(data, "BAN ADD 10.0.0.0/8 soon"))
                .startsWith("ERR 400 'soon' is not a ban length (examples: 10m, 2h, 7d, permanent)");
        assertThat(control(data, "BAN ADD 10.0.0.0/8")).startsWith("ERR 400 BAN ADD takes");
        assertThat(control(data, "BAN DEL 10.0.0.0/8")).isEqualTo("ERR 404 no ban on 10.0.0.0/8\n");
        assertThat(control(data, "BAN DEL nobody")).isEqualTo("ERR 400 'nobody' is not an IPv4 or IPv6 address\n");
    }

    @Test
    void aBanOutlastsARestart() throws Exception {
        Path data = TestServers.dataWithUsers(tmp);
        server = PoolServer.start(TestServers.config(data, 1).build());
        assertThat(control(data, "BAN ADD 127.0.0.1 permanent")).isEqualTo("OK banned 127.0.0.1 permanently\n");
        server.close();

        server = PoolServer.start(TestServers.config(data, 1).build());
        await().atMost(PATIENCE).until(() -> firstLine(server.address()) != null);
        assertThat(firstLine(server.address())).isEqualTo("ERR 403 your address is banned from this server");
        assertThat(server.bans())
                .singleElement()
                .satisfies(b -> assertThat(b.permanent()).isTrue());
    }

    @Test
    void failedLoginsBanAutomaticallyAndBanDelLiftsItSoTheNextLoginWorks() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0);
        server = PoolServer.start(TestServers.config(data, 1)
                .loginMaxFailures(2)
                .loginBan(Duration.ofMinutes(5))
                .build());
        for (int i = 0; i < 2; i++) {
            try (LineClient c = new LineClient(server.address())) {
                assertThatThrownBy(() -> TestServers.login(c, "ann", "wrong password"))
                        .hasMessageContaining("login failed");
            }
        }
        try (LineClient c = new LineClient(server.address())) {
            String clientFirst = java.util.Base64.getEncoder()
                    .encodeToString("n,,n=ann,r=abcdefgh".getBytes(StandardCharsets.UTF_8));
            assertThat(c.request("LOGIN " + clientFirst)).startsWith("ERR 429 too many failed logins from 127.0.0.1");
        }

        JsonNode list = JSON.readTree(control(data, "BAN LIST"));
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("network").asText()).isEqualTo("127.0.0.1");
        assertThat(list.get(0).get("source").asText()).isEqualTo("automatic");
        assertThat(list.get(0).get("reason").asText()).isEqualTo("too many failed logins");

        assertThat(control(data, "BAN DEL 127.0.0.1")).isEqualTo("OK lifted the ban on 127.0.0.1\n");
        try (LineClient c = TestServers.loggedIn(server.address(), "ann", "correct horse")) {
            assertThat(c.request("PWD")).startsWith("OK");
        }
        assertThat(control(data, "BAN LIST").strip()).isEqualTo("[]");
    }

    /** The first line a new connection hears after an ECHO, or null when the server let it in and answered. */
    private static String firstLine(InetSocketAddress address) throws IOException {
        try (LineClient c = new LineClient(address)) {
            String line = c.request("ECHO probe");
            return line != null && line.startsWith("OK PROCESS") ? null : line;
        }
    }

    private static String control(Path data, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(DataDirs.controlSocket(data)));
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (ch.read(buf) >= 0) {
                bytes.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
