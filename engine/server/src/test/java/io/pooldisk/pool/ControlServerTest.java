package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
