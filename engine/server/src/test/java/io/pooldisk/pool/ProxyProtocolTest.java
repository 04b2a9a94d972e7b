package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.testing.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve --proxy-from against a real pool: the master reads the PROXY v2 header of a trusted proxy's connection in
 * pieces and takes its source as the client; without one (or with a bad one) the connection is closed and logged;
 * a PROXY header from anyone else is ordinary input.
 */
class ProxyProtocolTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private PoolServer server;
    private final List<PoolEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(String proxyFrom) throws Exception {
        PoolListener log = new PoolListener() {
            @Override
            public void onEvent(PoolEvent event) {
                events.add(event);
            }

            @Override
            public boolean wantsSnapshots() {
                return false;
            }
        };
        server = PoolServer.start(
                TestServers.config(tmp, 2)
                        .proxyFrom(ProxySources.parse(proxyFrom))
                        .build(),
                log);
    }

    private Socket connectFrom(String localAddress) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        s.connect(server.address(), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static String request(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private List<String> clients() {
        return server.snapshot().sessions().stream().map(SessionInfo::client).toList();
    }

    @Test
    void aTrustedProxysHeaderInPiecesNamesTheClientAndTheFirstLineInItsLastPieceIsServed() throws Exception {
        start("127.0.0.1");
        byte[] header = ProxyHeaderTest.tcp4();
        byte[] line = "ECHO through\n".getBytes(StandardCharsets.UTF_8);
        try (Socket s = connectFrom("127.0.0.1")) {
            OutputStream out = s.getOutputStream();
            out.write(Arrays.copyOf(header, 5));
            out.flush();
            Thread.sleep(150); // the master must hold the piece and wait for the rest, as for a partial line
            out.write(Arrays.copyOfRange(header, 5, 20));
            out.flush();
            Thread.sleep(150);
            byte[] rest = Arrays.copyOfRange(header, 20, header.length + line.length);
            System.arraycopy(line, 0, rest, header.length - 20, line.length);
            out.write(rest);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).endsWith(": THROUGH");
            await().atMost(PATIENCE).until(() -> clients().contains("192.0.2.7:51000"));
        }
    }

    @Test
    void aLocalHeaderKeepsTheProxysAddress() throws Exception {
        start("127.0.0.1");
        try (Socket s = connectFrom("127.0.0.1")) {
            s.getOutputStream().write(ProxyHeaderTest.header(0x20, 0x00, new byte[0]));
            assertThat(request(s, "ECHO health")).endsWith(": HEALTH");
            assertThat(clients()).containsExactly("127.0.0.1:" + s.getLocalPort());
        }
    }

    @Test
    void aConnectionWithoutAHeaderFromATrustedProxyIsClosedAndLogged() throws Exception {
        start("127.0.0.1");
        try (Socket s = connectFrom("127.0.0.1")) {
            assertThat(request(s, "ECHO no header")).isNull();
        }
        await().atMost(PATIENCE)
                .until(() -> events.stream()
                        .anyMatch(e -> e.message().contains("from a trusted proxy: no PROXY protocol v2 signature")));
        byte[] v1 = "PROXY TCP4 192.0.2.7 10.0.0.1 51000 8443\r\nECHO hi\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = connectFrom("127.0.0.1")) {
            s.getOutputStream().write(v1);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        await().atMost(PATIENCE)
                .until(() -> events.stream().anyMatch(e -> e.message().contains("version 1")));
        assertThat(clients()).isEmpty();
    }

    @Test
    void aProxyHeaderFromAnAddressNotTrustedIsOrdinaryInput() throws Exception {
        start("127.0.0.1");
        try (Socket s = connectFrom("127.0.0.2")) {
            s.getOutputStream().write(ProxyHeaderTest.tcp4());
            // the signature ends in QUIT\n: an ordinary session ends there, as any server not expecting it would
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String last = null;
            for (String l; (l = in.readLine()) != null; ) {
                last = l;
            }
            assertThat(last).isEqualTo("OK bye");
        }
        try (Socket s = connectFrom("127.0.0.2")) {
            assertThat(request(s, "ECHO plain")).endsWith(": PLAIN");
            assertThat(clients()).containsExactly("127.0.0.2:" + s.getLocalPort());
        }
    }

    @Test
    void aTrustedProxyThatSendsNothingIsClosedAfterTheHeaderTimeOut() throws Exception {
        start("127.0.0.0/8");
        try (Socket s = connectFrom("127.0.0.3")) {
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(Master.PROXY_HEADER_MILLIS - 100));
        }
        // the event reaches listeners on the notifier's thread: maybe after the client saw its connection close
        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(events).anyMatch(e -> e.message().contains("no whole PROXY header")));
    }

    @Test
    void failedLoginsAreCountedByTheHeadersClient() throws Exception {
        java.nio.file.Path data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0);
        server = PoolServer.start(TestServers.config(data, 2)
                .proxyFrom(ProxySources.parse("127.0.0.1"))
                .loginMaxFailures(1)
                .build());
        String firstMessage = "LOGIN "
                + java.util.Base64.getEncoder().encodeToString("n,,n=ann,r=abcdefgh".getBytes(StandardCharsets.UTF_8));
        try (Socket s = proxied("192.0.2.7")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            org.junit.jupiter.api.Assertions.assertThrows(
                    AssertionError.class,
                    () -> TestServers.login(
                            line -> {
                                s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                                return in.readLine();
                            },
                            "ann",
                            "wrong password"));
        }
        try (Socket s = proxied("192.0.2.7")) {
            assertThat(request(s, firstMessage)).startsWith("ERR 429");
        }
        try (Socket s = proxied("192.0.2.8")) {
            assertThat(request(s, firstMessage)).startsWith("OK CHALLENGE");
        }
    }

    /** A connection from the trusted proxy at 127.0.0.1 whose PROXY header names {@code client}:1234. */
    private Socket proxied(String client) throws Exception {
        Socket s = connectFrom("127.0.0.1");
        s.getOutputStream()
                .write(ProxyHeaderTest.header(
                        0x21, 0x11, ProxyHeaderTest.addresses(client, 1234, "10.0.0.1", 8443, new byte[0])));
        return s;
    }

    @Test
    void theHeadersClientIsWhatBansGoBy() throws Exception {
        start("127.0.0.1");
        server.banAddress("192.0.2.7", Duration.ofMinutes(1));
        Thread.sleep(200); // the ban is the master loop's to apply, as a command between its events
        try (Socket s = connectFrom("127.0.0.1")) {
            s.getOutputStream().write(ProxyHeaderTest.tcp4());
            assertThat(request(s, "ECHO banned?")).startsWith("ERR 403");
        }
        try (Socket s = connectFrom("127.0.0.1")) {
            s.getOutputStream()
                    .write(ProxyHeaderTest.header(
                            0x21, 0x11, ProxyHeaderTest.addresses("192.0.2.8", 1, "10.0.0.1", 2, new byte[0])));
            assertThat(request(s, "ECHO fine")).endsWith(": FINE");
        }
    }
}
