package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket (issue 12, item 11): a client that says nothing holds up no other, and is dropped in time. */
class ControlServerTest {

    @TempDir
    Path tmp;

    private PoolServer server;
    private final List<SocketChannel> silent = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : silent) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSilentClientHoldsUpNeitherStatusNorResizeAndIsDroppedAfterTheTimeOut() throws Exception {
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 1).build());
        long connected = System.nanoTime();
        SocketChannel quiet = connect();

        assertThat(timed(() -> request("STATUS"))).startsWith("{").contains("\"workers\"");
        assertThat(timed(() -> request("RESIZE 2"))).isEqualTo("OK the pool is being resized to 2 workers\n");

        assertThat(readAll(quiet)).isEqualTo("ERR 408 no control request within 5 s\n");
        assertThat(System.nanoTime() - connected)
                .as("dropped at the time-out, not before")
                .isGreaterThanOrEqualTo(ControlServer.REQUEST_TIMEOUT.toNanos());
    }

    @Test
    void clientsPastTheBoundWaitOnlyUntilTheSilentOnesAreDropped() throws Exception {
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 1).build());
        long connected = System.nanoTime();
        List<SocketChannel> quiet = new ArrayList<>();
        for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
            quiet.add(connect());
        }
        assertThat(request("STATUS")).startsWith("{");
        long waited = System.nanoTime() - connected;
        assertThat(waited)
                .as("served once a silent client's time-out let a thread go")
                .isGreaterThanOrEqualTo(ControlServer.REQUEST_TIMEOUT.toNanos())
                .isLessThan(ControlServer.REQUEST_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(3));
        for (SocketChannel c : quiet) {
            assertThat(readAll(c)).isEqualTo("ERR 408 no control request within 5 s\n");
        }
    }

    @Test
    void watchStreamsSnapshotsAndEventsAndTheConsolesRequestsActOnThePool() throws Exception {
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 1).build());
        SocketChannel watch = connect();
        watch.write(ByteBuffer.wrap("WATCH\n".getBytes(StandardCharsets.UTF_8)));
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(Channels.newInputStream(watch), StandardCharsets.UTF_8));
        JsonNode first = StatusJson.parse(lines.readLine());
        assertThat(first.get("type").asText()).isEqualTo("snapshot");
        assertThat(StatusJson.readSnapshot(first).workers())
                .extracting(WorkerInfo::pid)
                .isEqualTo(server.snapshot().workers().stream()
                        .map(WorkerInfo::pid)
                        .toList());

        assertThat(request("RESIZE 2")).startsWith("OK");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> StatusJson.readSnapshot(nextSnapshot(lines)).idle() == 2);

        try (LineClient client = new LineClient(server.address())) {
            int pid = LineClient.pidOf(client.request("ECHO hi"));
            PoolSnapshot withSession = StatusJson.readSnapshot(
                    until(lines, n -> isSnapshot(n) && n.get("sessions").size() == 1));
            long id = withSession.sessions().get(0).id();
            assertThat(request("KICK " + id)).isEqualTo("OK session " + id + " is being closed\n");
            assertThat(client.readLine()).as("the kicked session is closed").isNull();
            JsonNode kicked = until(
                    lines,
                    n -> n.get("type").asText().equals("event")
                            && n.get("message").asText().startsWith("kicked"));
            assertThat(StatusJson.readEvent(kicked).kind()).isEqualTo(PoolEvent.Kind.SESSION);
            assertThat(request("KICK " + id)).startsWith("ERR 404");
            assertThat(request("RECYCLE 1")).startsWith("ERR 404");
            assertThat(request("KILL " + pid)).isEqualTo("OK worker " + pid + " is being killed\n");
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertThat(request("BAN ADD 10.9.8.7 60s scanning")).startsWith("OK banned 10.9.8.7 until ");
            assertThat(BanJson.read(request("BAN LIST")))
                    .singleElement()
                    .satisfies(ban -> assertThat(ban.reason()).isEqualTo("scanning"));
            assertThat(request("BAN ADD 10.9.8.7")).startsWith("ERR 400");
        }

        server.close();
        assertThat(CompletableFuture.supplyAsync(() -> drain(lines)).get(20, TimeUnit.SECONDS))
                .as("the watch ends with the server")
                .isTrue();
    }

    @Test
    void watchersThatReadNothingNeitherStallTheServerNorKeepTheirPlacesForever() throws Exception {
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 2).build());
        List<LineClient> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                sessions.add(new LineClient(server.address())); // big snapshots fill the sockets' buffers sooner
            }
            for (int i = 0; i < ControlServer.MAX_WATCHERS; i++) {
                SocketChannel slow = connect();
                slow.write(ByteBuffer.wrap("WATCH\n".getBytes(StandardCharsets.UTF_8)));
                assertThat(slow.read(ByteBuffer.allocate(1))).as("watching").isEqualTo(1); // and reads no more
            }
            assertThat(firstWatchLine()).as("every watcher's place is taken").startsWith("ERR 503");
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            long probed = start;
            boolean placeFree = false;
            try (LineClient busy = new LineClient(server.address())) {
                while (!placeFree && System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    assertThat(busy.request("ECHO x")).startsWith("OK");
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent))
                            .as("served at once while the watchers read nothing")
                            .isLessThan(2000);
                    if (System.nanoTime() - probed > TimeUnit.MILLISECONDS.toNanos(500)) {
                        probed = System.nanoTime();
                        placeFree = firstWatchLine().startsWith("{");
                    }
                }
                assertThat(timed(() -> request("STATUS"))).startsWith("{");
            }
            assertThat(placeFree).as("the stalled watchers were closed").isTrue();
            assertThat(System.nanoTime() - start)
                    .as("not before they had taken nothing for the time-out")
                    .isGreaterThan(ControlServer.WATCH_STALL_TIMEOUT.toNanos());
        } finally {
            for (LineClient c : sessions) {
                c.close();
            }
        }
    }

    /** The first line a new watcher gets; closes it. */
    private String firstWatchLine() throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(
                    DataDirs.controlSocket(server.config().dataDir())));
            probe.write(ByteBuffer.wrap("WATCH\n".getBytes(StandardCharsets.UTF_8)));
            String line = new BufferedReader(
                            new InputStreamReader(Channels.newInputStream(probe), StandardCharsets.UTF_8))
                    .readLine();
            return line == null ? "" : line.substring(0, Math.min(line.length(), 20));
        }
    }

    private static boolean isSnapshot(JsonNode n) {
        return n.get("type").asText().equals("snapshot");
    }

    private static JsonNode nextSnapshot(BufferedReader lines) throws IOException {
        return until(lines, ControlServerTest::isSnapshot);
    }

    private static JsonNode until(BufferedReader lines, java.util.function.Predicate<JsonNode> wanted)
            throws IOException {
        while (true) {
            String line = lines.readLine();
            if (line == null) {
                throw new IOException("the watch ended");
            }
            JsonNode n = StatusJson.parse(line);
            if (wanted.test(n)) {
                return n;
            }
        }
    }

    /** Reads to the end of the stream: true once it came. */
    private static boolean drain(BufferedReader lines) {
        try {
            while (lines.readLine() != null) {
                // what was sent before the end
            }
            return true;
        } catch (IOException e) {
            return true; // reset by the server: ended as well
        }
    }

    private interface Request {
        String send() throws Exception;
    }

    /** The answer to a request that must come promptly: well within the silent clients' time-out. */
    private static String timed(Request request) throws Exception {
        long start = System.nanoTime();
        String answer = request.send();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("answered in ms, well before the 5 s time-out")
                .isLessThan(3000);
        return answer;
    }

    private SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        silent.add(c);
        c.connect(UnixDomainSocketAddress.of(
                DataDirs.controlSocket(server.config().dataDir())));
        return c;
    }

    /** What {@code pooldisk status} and {@code resize} do: one line, then the answer up to the end of the stream. */
    private String request(String line) throws Exception {
        SocketChannel c = connect();
        c.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        c.shutdownOutput();
        return readAll(c);
    }

    /** Everything the server sends until it closes; a test that waited forever would fail here after 20 s. */
    private static String readAll(SocketChannel c) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    try {
                        while (c.read(buf) >= 0) {
                            bytes.write(buf.array(), 0, buf.position());
                            buf.clear();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return bytes.toString(StandardCharsets.UTF_8);
                })
                .get(20, TimeUnit.SECONDS);
    }
}
