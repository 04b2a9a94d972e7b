package io.pooldisk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerLauncher;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads and downloads that are interrupted, raced, hostile or huge. */
class TransferResilienceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String USER = "ann";
    private static final String PASSWORD = "pw";

    @TempDir
    Path tmp;

    private PoolServer server;

    @BeforeEach
    void start() throws Exception {
        server = PoolServer.start(TestServers.config(TestServers.dataWithUsers(tmp, USER, PASSWORD, 0), 2)
                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DiskClient client() throws Exception {
        DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort());
        c.login(USER, PASSWORD.toCharArray());
        return c;
    }

    private LineClient rawLoggedIn() throws Exception {
        LineClient raw = new LineClient(server.address());
        TestServers.login(raw, USER, PASSWORD);
        return raw;
    }

    private Path randomFile(String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(tmp.resolve(name), bytes);
    }

    /** Sends PUT and the first {@code count} bytes of {@code file}, then drops the connection. */
    private void interruptedUpload(Path file, String remote, int count) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        try (LineClient raw = rawLoggedIn()) {
            assertThat(raw.request("PUT " + bytes.length + " " + Sha256.of(file, 0, bytes.length) + " " + remote))
                    .isEqualTo("OK SEND 0");
            raw.sendRaw(java.util.Arrays.copyOf(bytes, count));
        }
    }

    /** What the server says it holds of an upload, asking without sending anything. */
    private long heldOf(Path file, String remote) throws Exception {
        long size = Files.size(file);
        try (LineClient raw = rawLoggedIn()) {
            String reply = raw.request("PUT " + size + " " + Sha256.of(file, 0, size) + " " + remote);
            return reply.startsWith("OK SEND ") ? Long.parseLong(reply.substring(8)) : -1;
        }
    }

    @Test
    void anUploadResumesAfterTheClientIsKilledSendingOnlyTheMissingBytes() throws Exception {
        Path file = randomFile("resume.bin", 3_000_000, 1);
        interruptedUpload(file, "resume.bin", 1_200_000);
        await().atMost(PATIENCE).until(() -> heldOf(file, "resume.bin") == 1_200_000);
        AtomicLong firstReported = new AtomicLong(-1);
        try (DiskClient c = client()) {
            c.upload(file, "resume.bin", (done, total) -> firstReported.compareAndSet(-1, done));
            assertThat(firstReported.get()).isEqualTo(1_200_000);
            Path back = c.download("resume.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        }
    }

    @Test
    void anUploadResumesAfterAServerRestart() throws Exception {
        Path file = randomFile("restart.bin", 2_000_000, 5);
        interruptedUpload(file, "restart.bin", 700_000);
        await().atMost(PATIENCE).until(() -> heldOf(file, "restart.bin") == 700_000);
        server.close();
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 2).build());
        AtomicLong firstReported = new AtomicLong(-1);
        try (DiskClient c = client()) {
            c.upload(file, "restart.bin", (done, total) -> firstReported.compareAndSet(-1, done));
            Path back = c.download("restart.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        }
        assertThat(firstReported.get()).isEqualTo(700_000);
    }

    @Test
    void anUploadResumesAfterItsWorkerIsKilled() throws Exception {
        Path file = randomFile("killed.bin", 8_000_000, 2);
        byte[] bytes = Files.readAllBytes(file);
        int pid;
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (LineClient raw = rawLoggedIn()) {
            assertThat(raw.request("PUT " + bytes.length + " " + Sha256.of(file, 0, bytes.length) + " killed.bin"))
                    .isEqualTo("OK SEND 0");
            raw.sendRaw(java.util.Arrays.copyOf(bytes, 4_000_000));
            // Then a slow trickle, so that a worker is receiving (not parked between bytes) when it is killed.
            Future<?> trickle = sender.submit(() -> {
                for (int at = 4_000_000; at < 7_000_000; at += 1000) {
                    raw.sendRaw(java.util.Arrays.copyOfRange(bytes, at, at + 1000));
                    Thread.sleep(2);
                }
                return null;
            });
            await().atMost(PATIENCE)
                    .until(() -> uploadingWorker() != null && uploadingWorker().bytes() >= 4_000_000);
            pid = uploadingWorker().pid();
            server.killWorker(pid);
            assertThat(lineOrReset(raw))
                    .as("no line in answer to bytes the client may still be sending")
                    .isNull();
            trickle.cancel(true);
        } finally {
            sender.shutdownNow();
        }
        AtomicLong firstReported = new AtomicLong(-1);
        try (DiskClient c = client()) {
            c.upload(file, "killed.bin", (done, total) -> firstReported.compareAndSet(-1, done));
            Path back = c.download("killed.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        }
        assertThat(firstReported.get()).isGreaterThanOrEqualTo(4_000_000);
    }

    @Test
    void bytesSentWithThePutLineCountAndAStalledSenderKeepsEveryByteThatArrived() throws Exception {
        server.close();
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 2)
                .requestTimeout(Duration.ofSeconds(2))
                .build()); // the stall limit
        Path file = randomFile("stalled.bin", 3_000_000, 6);
        byte[] bytes = Files.readAllBytes(file);
        byte[] put = ("PUT " + bytes.length + " " + Sha256.of(file, 0, bytes.length) + " stalled.bin\n")
                .getBytes(StandardCharsets.UTF_8);
        try (LineClient raw = rawLoggedIn()) {
            byte[] lineThenBytes = java.util.Arrays.copyOf(put, put.length + 10_001); // already buffered with the line
            System.arraycopy(bytes, 0, lineThenBytes, put.length, 10_001);
            raw.sendRaw(lineThenBytes);
            assertThat(raw.readLine()).isEqualTo("OK SEND 0");
            raw.sendRaw(java.util.Arrays.copyOfRange(bytes, 10_001, 1_500_003));
            assertThat(raw.readLine())
                    .as("the server gives up on a silent sender, and says so")
                    .isEqualTo("ERR 408 upload stalled: no bytes for 2 s; the 1500003 bytes received are kept, PUT "
                            + "again to resume");
            assertThat(raw.readLine()).isNull();
        }
        assertThat(heldOf(file, "stalled.bin")).isEqualTo(1_500_003);
        try (DiskClient c = client()) {
            c.upload(file, "stalled.bin", TransferListener.NONE);
            Path back = c.download("stalled.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        }
    }

    @Test
    void withoutSpliceAnUploadStillResumesAtTheByteAfterADisconnect() throws Exception {
        server.close();
        List<String> command = new ArrayList<>(WorkerLauncher.currentJvm().command());
        command.add(1, "-Dpooldisk.splice=false");
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 2)
                .launcher(new WorkerLauncher(command))
                .build());
        Path file = randomFile("plain.bin", 3_000_000, 7);
        interruptedUpload(file, "plain.bin", 1_234_567);
        await().atMost(PATIENCE).until(() -> heldOf(file, "plain.bin") == 1_234_567);
        await().atMost(PATIENCE)
                .ignoreExceptions()
                .until(
                        () -> { // 409 until the asking PUT lets go of the part
                            try (DiskClient c = client()) {
                                return c.upload(file, "plain.bin", TransferListener.NONE)
                                                .size()
                                        == 3_000_000;
                            }
                        });
        try (DiskClient c = client()) {
            Path back = c.download("plain.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        }
    }

    /**
     * The worker sending a download is SIGKILLed nine times, each time after a different share of the bytes; the
     * client resumes each time with {@code GET <bytes received>} and reads raw bytes to the end of the stream (or of
     * the file), so that any line the server wrote after a death would end up in the file.
     */
    @Test
    void aDownloadWhoseWorkerIsKilledAgainAndAgainResumesToExactlyTheFile() throws Exception {
        server.close();
        server = PoolServer.start(TestServers.config(tmp.resolve("data"), 2)
                .linger(Duration.ofSeconds(30))
                .build());
        Path file = randomFile("loop.bin", 64_000_000, 12); // more than nine kills and nine socket buffers take
        byte[] expected = Files.readAllBytes(file);
        try (DiskClient c = client()) {
            c.upload(file, "loop.bin", TransferListener.NONE);
        }
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        Random random = new Random(12);
        int kills = 0;
        while (got.size() < expected.length) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.setReceiveBufferSize(64 * 1024);
                socket.connect(server.address());
                socket.setSoTimeout(20_000);
                java.io.InputStream in = socket.getInputStream();
                java.io.OutputStream out = socket.getOutputStream();
                TestServers.LineRequest request = line -> {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    return readLine(in);
                };
                TestServers.login(request, USER, PASSWORD);
                assertThat(request.request("GET " + got.size() + " loop.bin"))
                        .startsWith("OK DATA " + (expected.length - got.size()) + " ");
                long killAfter = kills < 9 ? got.size() + random.nextInt(1_000_000) : Long.MAX_VALUE;
                byte[] buffer = new byte[8192];
                int n;
                while (got.size() < expected.length
                        && (n = in.read(buffer, 0, Math.min(buffer.length, expected.length - got.size()))) > 0) {
                    got.write(buffer, 0, n);
                    if (got.size() >= killAfter) {
                        // The client stops reading: the worker fills the socket and waits for room, mid-transfer.
                        await().atMost(PATIENCE).until(() -> sendingWorker() != null);
                        ProcessHandle.of(sendingWorker().pid()).orElseThrow().destroyForcibly();
                        killAfter = Long.MAX_VALUE;
                        kills++;
                    }
                }
            }
        }
        assertThat(kills).isEqualTo(9);
        assertThat(got.size()).isEqualTo(expected.length);
        assertThat(java.util.Arrays.mismatch(got.toByteArray(), expected)).isEqualTo(-1);
    }

    private WorkerInfo sendingWorker() {
        return server.snapshot().workers().stream()
                .filter(w -> w.command().startsWith("GET "))
                .findFirst()
                .orElse(null);
    }

    /** The next line, or null at the end of the stream or a reset (the client was still sending when it closed). */
    private static String lineOrReset(LineClient raw) throws java.io.IOException {
        try {
            return raw.readLine();
        } catch (java.net.SocketException reset) {
            return null;
        }
    }

    /** A reply line read byte by byte, so that none of the raw bytes after it are taken with it. */
    private static String readLine(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private WorkerInfo uploadingWorker() {
        return server.snapshot().workers().stream()
                .filter(w -> w.command().startsWith("PUT "))
                .findFirst()
                .orElse(null);
    }

    @Test
    void twoConcurrentUploadsToOnePathLeaveOneWholeFile() throws Exception {
        Path a = randomFile("a.bin", 4_000_000, 3);
        Path b = randomFile("b.bin", 4_000_000, 4);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<RemoteEntry>> results = new ArrayList<>();
            for (Path p : List.of(a, b)) {
                results.add(pool.submit(() -> {
                    try (DiskClient c = client()) {
                        return c.upload(p, "same.bin", TransferListener.NONE);
                    }
                }));
            }
            for (Future<RemoteEntry> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        try (DiskClient c = client()) {
            Path back = c.download("same.bin", tmp.resolve("same.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(back, a) == -1 || Files.mismatch(back, b) == -1)
                    .isTrue();
            assertThat(c.list("/")).extracting(RemoteEntry::name).containsExactly("same.bin");
        }
    }

    @Test
    void badNamesAreRefusedWithAClearError() throws Exception {
        try (LineClient raw = rawLoggedIn()) {
            for (String bad : List.of(
                    "..",
                    "a/../b",
                    "a//b",
                    "./a",
                    "nul\0byte",
                    "bell\u0007",
                    "tab\tname",
                    "x".repeat(256),
                    "/" + "deep/".repeat(1000))) {
                assertThat(raw.request("MKDIR " + bad)).as(bad).startsWith("ERR 400 ");
            }
            assertThat(raw.request("LIST")).isEqualTo("OK 0 entries");
        }
    }

    @Test
    void aThousandGarbageLinesGetErrorsAndTheServerStaysUp() throws Exception {
        Random random = new Random(42);
        try (LineClient raw = new LineClient(server.address())) {
            for (int i = 0; i < 1000; i++) {
                byte[] line = new byte[2 + random.nextInt(200)];
                random.nextBytes(line);
                for (int j = 0; j < line.length; j++) {
                    if (line[j] == '\n' || line[j] == '\r') {
                        line[j] = 'x';
                    }
                }
                line[0] = (byte) ('#' + random.nextInt(20)); // never a command word
                line[line.length - 1] = '\n';
                raw.sendRaw(line);
                assertThat(raw.readLine()).as("reply to garbage line " + i).startsWith("ERR 400 ");
            }
            assertThat(raw.request("ECHO alive")).endsWith("ALIVE");
        }
        assertThat(server.snapshot().total()).isEqualTo(2);
    }

    @Test
    void aFileOverFourGibibytesKeepsItsSizeAndOffsets() throws Exception {
        long size = (4L << 30) + 4096;
        Path sparse = tmp.resolve("sparse.bin");
        byte[] tail = "the end of a sparse file past 4 GiB".getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(size);
            f.seek(size - tail.length);
            f.write(tail);
        }
        try (DiskClient c = client()) {
            RemoteEntry stored = c.upload(sparse, "big.bin", TransferListener.NONE);
            assertThat(stored.size()).isEqualTo(size);
            assertThat(c.stat("big.bin").size()).isEqualTo(size);
        }
        try (LineClient raw = rawLoggedIn()) {
            long offset = size - tail.length;
            String head = raw.request("GET " + offset + " big.bin");
            assertThat(head).startsWith("OK DATA " + tail.length + " " + size + " ");
            char[] got = new char[tail.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = (char) raw.readChar();
            }
            assertThat(new String(got)).isEqualTo(new String(tail, StandardCharsets.UTF_8));
        } finally {
            Files.delete(sparse);
        }
    }
}
