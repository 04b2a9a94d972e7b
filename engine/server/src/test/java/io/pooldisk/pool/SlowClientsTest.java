package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker never waits on a client (docs/ARCHITECTURE.md): quiet sessions, sessions in a burst, sessions that send
 * their commands back to back, partial lines and stalled transfers, against real worker processes and real sockets.
 */
class SlowClientsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Longer than any test: a worker that waited out its linger while others waited would time a test out. */
    private static final Duration FOREVER = Duration.ofMinutes(30);

    @TempDir
    Path tmp;

    private PoolServer server;
    private final List<Raw> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Raw c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private PoolServer start(PoolConfig.Builder config) throws PoolStartException {
        server = PoolServer.start(config.build());
        return server;
    }

    private Raw connect() throws IOException {
        return connect(0);
    }

    /** A connection; {@code receiveBuffer} &gt; 0 keeps the client's socket buffer that small (a slow reader). */
    private Raw connect(int receiveBuffer) throws IOException {
        Raw c = new Raw(server.address(), receiveBuffer);
        clients.add(c);
        return c;
    }

    @Test
    void twoHundredQuietSessionsWithOneCommandEachShareTwoWorkersThatNeverWaitForThem() throws Exception {
        start(TestServers.config(tmp, 2).linger(FOREVER));
        for (int i = 0; i < 200; i++) {
            assertThat(connect().request("ECHO quiet " + i)).endsWith(": QUIET " + i);
        }
        await().atMost(PATIENCE)
                .until(() -> server.snapshot().sessions().stream()
                                .filter(s -> s.workerPid() == 0)
                                .count()
                        >= 198);
        PoolSnapshot s = server.snapshot();
        assertThat(s.busy()).as("workers running a command").isZero();
        assertThat(s.lingering()).isLessThanOrEqualTo(2);
        assertThat(s.rejected()).isZero();
        assertThat(s.sessions()).hasSize(200);
    }

    @ParameterizedTest(name = "linger {0} ms")
    @ValueSource(ints = {0, 50, 60_000})
    void commandsSentBackToBackOrAheadAreServedInOrder(int lingerMillis) throws Exception {
        start(TestServers.config(tmp, 2).linger(Duration.ofMillis(lingerMillis)));
        Raw pipelined = connect();
        StringBuilder ahead = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            ahead.append("ECHO ahead ").append(i).append('\n');
        }
        pipelined.send(ahead.toString().getBytes(StandardCharsets.UTF_8));
        Raw oneByOne = connect();
        for (int i = 0; i < 300; i++) {
            assertThat(oneByOne.request("ECHO next " + i)).endsWith(": NEXT " + i);
        }
        for (int i = 0; i < 300; i++) {
            assertThat(pipelined.line()).endsWith(": AHEAD " + i);
        }
        assertThat(server.snapshot().rejected()).isZero();
    }

    @Test
    void aBurstLargerThanTheOldQueueBoundIsServedWhole() throws Exception {
        start(TestServers.config(tmp, 2).linger(FOREVER));
        List<Raw> burst = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            burst.add(connect());
        }
        await().atMost(PATIENCE).until(() -> server.snapshot().sessions().size() == 400);
        for (int i = 0; i < burst.size(); i++) {
            burst.get(i).send(("ECHO burst " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < burst.size(); i++) {
            assertThat(burst.get(i).line()).endsWith(": BURST " + i);
        }
        assertThat(server.snapshot().rejected()).isZero();
        assertThat(server.snapshot().maxQueued()).isGreaterThan(1);
    }

    @Test
    void aPartialLineWaitsInTheMasterAndOneThatNeverEndsIsClosed() throws Exception {
        start(TestServers.config(tmp, 1).requestTimeout(Duration.ofSeconds(1)));
        Raw slow = connect();
        Raw stuck = connect();
        slow.send("ECHO sl".getBytes(StandardCharsets.UTF_8));
        stuck.send("ECHO never ends".getBytes(StandardCharsets.UTF_8));
        await().atMost(PATIENCE).until(() -> server.snapshot().idle() == 1);
        assertThat(connect().request("ECHO meanwhile")).endsWith(": MEANWHILE");
        slow.send("ow\n".getBytes(StandardCharsets.UTF_8));
        assertThat(slow.line()).endsWith(": SLOW");
        assertThat(stuck.line()).isEqualTo("ERR 408 request line not completed within 1 s; closing");
        assertThat(stuck.line()).isNull();
    }

    @Test
    void repliesAClientDoesNotReadWaitInTheMasterInOrderEvenWhenLongerThanAMessage() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "pw", 0);
        start(TestServers.config(data, 1));
        Raw c = loggedIn(connect(4096));
        StringBuilder ahead = new StringBuilder();
        String longName = "d".repeat(240);
        int dirs = 2000;
        for (int i = 0; i < dirs; i++) {
            ahead.append("MKDIR /").append(longName).append(i).append('\n');
        }
        int lists = 12;
        ahead.append("LIST /\n".repeat(lists)).append("ECHO after the lists\n");
        // Sent ahead and not read: the replies, 12 lists of about 560 KB each, fill the socket buffers (up to 4 MB
        // on the server's side here, tcp_wmem), and what a list leaves unsent is longer than a control message.
        c.send(ahead.toString().getBytes(StandardCharsets.UTF_8));
        await().atMost(PATIENCE)
                .until(() -> server.snapshot().idle() == 1
                        && server.snapshot().sessions().get(0).workerPid() == 0);
        long sentWhileTheWorkerHadIt = server.snapshot().sessions().get(0).bytesOut();
        assertThat(connect().request("ECHO the worker is free")).endsWith(": THE WORKER IS FREE");
        for (int i = 0; i < dirs; i++) {
            assertThat(c.line()).startsWith("OK D 0 ").endsWith("/" + longName + i);
        }
        for (int l = 0; l < lists; l++) {
            assertThat(c.line()).isEqualTo("OK " + dirs + " entries");
            for (int i = 0; i < dirs; i++) {
                assertThat(c.line()).startsWith("D 0 ");
            }
        }
        assertThat(c.line()).endsWith(": AFTER THE LISTS");
        // What the socket had no room for went on in a later hand-off, once the client read.
        String client = "127.0.0.1:" + c.socket.getLocalPort();
        await().atMost(PATIENCE)
                .until(() -> server.snapshot().sessions().stream()
                        .anyMatch(s -> s.client().equals(client) && s.bytesOut() > sentWhileTheWorkerHadIt));
    }

    /**
     * The scenario: three workers; 50 stalled transfers (uploads that send nothing more, downloads never
     * read) and 500 sessions dripping a line without its end. Meanwhile a plain ECHO is answered and another
     * client's upload completes and verifies; then every stalled transfer and line is finished, whole.
     */
    @Test
    void stalledTransfersAndDrippingLinesHoldNoWorker() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "pw", 0);
        start(TestServers.config(data, 3));
        byte[] big = random(8 << 20, 1);
        Path bigFile = Files.write(tmp.resolve("big.bin"), big);
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            c.login("ann", "pw".toCharArray());
            c.upload(bigFile, "/big.bin", TransferListener.NONE);
        }

        List<Raw> downloads = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Raw d = loggedIn(connect(16 * 1024));
            assertThat(d.request("GET 0 /big.bin"))
                    .isEqualTo("OK DATA " + big.length + " " + big.length + " " + sha(big));
            downloads.add(d); // and then it reads nothing
        }
        List<Raw> uploads = new ArrayList<>();
        List<byte[]> uploaded = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            byte[] content = random(300_000, 100 + i);
            Raw u = loggedIn(connect());
            assertThat(u.request("PUT " + content.length + " " + sha(content) + " /up-" + i + ".bin"))
                    .isEqualTo("OK SEND 0");
            u.send(java.util.Arrays.copyOf(content, 100_000)); // and then nothing more for now
            uploads.add(u);
            uploaded.add(content);
        }
        List<Raw> drips = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Raw d = connect();
            d.send(("ECHO drip " + i).getBytes(StandardCharsets.UTF_8));
            drips.add(d);
        }
        for (Raw d : drips) {
            d.send(".".getBytes(StandardCharsets.UTF_8));
        }

        // Every worker is free: the master holds all of these sessions.
        await().atMost(PATIENCE).until(() -> server.snapshot().idle() == 3);
        assertThat(connect().request("ECHO still served")).endsWith(": STILL SERVED");
        byte[] other = random(3_000_000, 7);
        Path otherFile = Files.write(tmp.resolve("other.bin"), other);
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            c.login("ann", "pw".toCharArray());
            assertThat(c.upload(otherFile, "/other.bin", TransferListener.NONE).sha256())
                    .isEqualTo(sha(other));
            Path back = c.download("/other.bin", tmp.resolve("other-back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(otherFile, back)).isEqualTo(-1);
        }

        // Now the slow ones go on, and finish.
        for (Raw d : drips) {
            d.send("\n".getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < uploads.size(); i++) {
            byte[] content = uploaded.get(i);
            uploads.get(i).send(java.util.Arrays.copyOfRange(content, 100_000, content.length));
        }
        for (Raw d : downloads) {
            assertThat(sha(d.bytes(big.length))).isEqualTo(sha(big));
        }
        for (int i = 0; i < uploads.size(); i++) {
            assertThat(uploads.get(i).line()).startsWith("OK STORED F 300000 ").endsWith(" /up-" + i + ".bin");
        }
        for (int i = 0; i < drips.size(); i++) {
            assertThat(drips.get(i).line()).endsWith(": DRIP " + i + ".");
        }
        assertThat(server.snapshot().rejected()).isZero();
    }

    private static String sha(byte[] content) {
        return Sha256.hex(Sha256.digest().digest(content));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Raw loggedIn(Raw c) throws Exception {
        TestServers.login(c::request, "ann", "pw");
        return c;
    }

    /** A client on a plain socket, reading reply lines and raw payload bytes from one stream. */
    private static final class Raw implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        Raw(InetSocketAddress address, int receiveBuffer) throws IOException {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.connect(address, 5000);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        String request(String line) throws IOException {
            send((line + "\n").getBytes(StandardCharsets.UTF_8));
            return line();
        }

        /** The next line without its LF, or null at end of stream. */
        String line() throws IOException {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return text.size() == 0 ? null : text.toString(StandardCharsets.UTF_8);
                }
                text.write(b);
            }
            return text.toString(StandardCharsets.UTF_8);
        }

        byte[] bytes(int count) throws IOException {
            return in.readNBytes(count);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
