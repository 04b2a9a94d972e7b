package io.pooldisk.bench;

import io.pooldisk.auth.Accounts;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.disk.PartWriter;
import io.pooldisk.disk.Uploads;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Upload and download throughput of one large file through a real PoolDisk server, side by side in one run with the
 * two ceilings they are judged against: raw loopback sendfile (for downloads) and Java's single-core SHA-256 (for
 * uploads, which the server verifies as it writes). Also the two an upload meets on its way to disk: filling the page
 * cache with new pages, and the disk taking the writes (an upload is not STORED before its bytes are synced).
 * Run by scripts/bench-transfer.sh; prints one line per figure.
 *
 * <p>No file is deleted before the end of the run. On a VM whose host takes back the guest's free memory (free page
 * reporting), pages freed a moment ago are cheap to fill again and pages that have been free a while cost a host
 * fault each: a file deleted between the figures would make whichever figure comes next look faster. The run needs
 * SIZE x (1 + 3 x ROUNDS) of free memory and disk.
 *
 * <p>Arguments: [SIZE_MIB (default 1024)] [ROUNDS (default 3)]. The ratios that are judged are taken within each round,
 * against that round's ceilings, and their median is reported: a round whose pages happened to be recycled is
 * an outlier, not the best figure.
 */
public final class TransferBenchmark {

    private static final int CHUNK = 1 << 20;

    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dir = Files.createTempDirectory("pooldisk-bench");
        Path file = dir.resolve("payload.bin");
        writeRandom(file, size);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add("bench", "bench".toCharArray(), 0);
        }
        PoolServer server = PoolServer.start(PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(2)
                .dataDir(data)
                .build());
        try {
            int port = server.address().getPort();
            System.out.printf("file %d MiB, %d rounds; GB/s, then ratios within each round%n", size >> 20, rounds);
            warmUp(port, dir);
            List<Round> all = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double sha = rate(size, () -> sha256(file));
                double sendfile = rate(size, () -> rawSendfile(file));
                double[] ceilings = pageCacheAndDisk(file, dir.resolve("ceiling-" + r + ".bin"));
                String name = "payload-" + r + ".bin";
                stamp(file, r); // new content each round: the server would otherwise offer an instant upload
                String hash = sha256(file); // the client's hashing comes before the timed part
                double upload = size / serverUpload(port, file, size, hash, name) / 1e9;
                double download = rate(size, () -> rawDownload(port, name, size));
                Path back = dir.resolve("back-" + r + ".bin");
                double verified = rate(size, () -> clientDownload(port, name, back));
                Round round = new Round(sha, sendfile, ceilings[0], ceilings[1], upload, download, verified);
                all.add(round);
                System.out.printf(
                        "round %d: sha256 %.2f  sendfile %.2f  page_cache_fill %.2f  disk %.2f  upload %.2f"
                                + "  download %.2f  download_verified %.2f  |  upload/sha256 %.2f"
                                + "  upload/page_cache_fill %.2f  upload/disk %.2f  download/sendfile %.2f%n",
                        r + 1,
                        sha,
                        sendfile,
                        ceilings[0],
                        ceilings[1],
                        upload,
                        download,
                        verified,
                        round.uploadToSha(),
                        round.uploadToPageCache(),
                        round.uploadToDisk(),
                        round.downloadToSendfile());
            }
            System.out.printf(
                    "median of %d rounds: upload/sha256 %.2f  upload/page_cache_fill %.2f  upload/disk %.2f"
                            + "  download/sendfile %.2f%n",
                    rounds,
                    median(all, Round::uploadToSha),
                    median(all, Round::uploadToPageCache),
                    median(all, Round::uploadToDisk),
                    median(all, Round::downloadToSendfile));
            System.out.printf(
                    "best of %d rounds: sha256 %.2f  sendfile %.2f  upload %.2f  download %.2f GB/s%n",
                    rounds,
                    best(all, Round::sha),
                    best(all, Round::sendfile),
                    best(all, Round::upload),
                    best(all, Round::download));
            resumeCost(data, file, size);
        } finally {
            server.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * What an upload parked in the middle (its client went quiet) costs the worker that goes on with it: restoring
     * the SHA-256 state saved with the session, against hashing its part file again from the page cache, which is
     * what a worker would do without the saved state (MessageDigest state does not cross processes by itself).
     */
    private static void resumeCost(Path data, Path file, long size) throws Exception {
        try (DiskStore store = DiskStore.open(data);
                FileChannel in = FileChannel.open(file)) {
            Uploads uploads = store.uploads("bench");
            stamp(file, -1);
            long part = size - 1; // all but the last byte arrived
            Uploads.Ticket t = uploads.begin("/resume-probe.bin", size, sha256(file));
            byte[] state;
            try (PartWriter w = uploads.openPart(t)) {
                ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
                for (long pos = 0; pos < part; pos += chunk.limit()) {
                    chunk.clear().limit((int) Math.min(CHUNK, part - pos));
                    in.read(chunk, pos);
                    w.write(chunk.flip());
                }
                state = w.suspend();
            }
            long restored = resumeNanos(uploads, t, part, state);
            long rehashed = resumeNanos(uploads, t, part, new byte[0]);
            System.out.printf(
                    "parked upload of %d MiB goes on in another worker: %.3f ms with its saved SHA-256 state "
                            + "(%d bytes), %.0f ms hashing its part again (%.2f GB/s)%n",
                    part >> 20, restored / 1e6, state.length, rehashed / 1e6, part / (rehashed / 1e9) / 1e9);
            uploads.abort(t);
        }
    }

    private static long resumeNanos(Uploads uploads, Uploads.Ticket t, long held, byte[] state) throws Exception {
        long start = System.nanoTime();
        PartWriter w = uploads.resumePart(t.id(), t.path(), t.size(), t.sha256(), held, state);
        long took = System.nanoTime() - start;
        w.close();
        return took;
    }

    /** An untimed 64 MiB upload and download first: the JIT of this JVM and of the worker, and first-use costs. */
    private static void warmUp(int port, Path dir) throws Exception {
        long size = 64L << 20;
        Path file = dir.resolve("warm-up.bin");
        writeRandom(file, size);
        serverUpload(port, file, size, sha256(file), "warm-up.bin");
        rawDownload(port, "warm-up.bin", size);
        clientDownload(port, "warm-up.bin", dir.resolve("warm-up-back.bin"));
    }

    /** One round's figures in GB/s, and the ratios that are judged, each against a ceiling of the same round. */
    private record Round(
            double sha,
            double sendfile,
            double pageCacheFill,
            double disk,
            double upload,
            double download,
            double downloadVerified) {
        double uploadToSha() {
            return upload / sha;
        }

        double uploadToPageCache() {
            return upload / pageCacheFill;
        }

        double uploadToDisk() {
            return upload / disk;
        }

        double downloadToSendfile() {
            return download / sendfile;
        }
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static double best(List<Round> rounds, ToDoubleFunction<Round> figure) {
        return rounds.stream().mapToDouble(figure).max().orElse(0);
    }

    private interface Run {
        void run() throws Exception;
    }

    /** GB/s (10^9 bytes a second) of one run. */
    private static double rate(long bytes, Run run) throws Exception {
        long t = System.nanoTime();
        run.run();
        return bytes / ((System.nanoTime() - t) / 1e9) / 1e9;
    }

    static void writeRandom(Path file, long size) throws IOException {
        byte[] block = new byte[CHUNK];
        Random random = new Random(1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; done += CHUNK) {
                random.nextBytes(block);
                ch.write(ByteBuffer.wrap(block, 0, (int) Math.min(CHUNK, size - done)));
            }
        }
    }

    /** Makes the file's content new: its first 8 bytes become {@code round}. */
    static void stamp(Path file, long round) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putLong(0, round), 0);
        }
    }

    /** Java's single-core SHA-256 of the whole file, as the project computes it (1 MiB direct reads). */
    private static String sha256(Path file) throws IOException {
        return Sha256.of(file, 0, Files.size(file));
    }

    /** The ceiling for downloads: the kernel copying the file to a loopback socket, a reader discarding it. */
    private static void rawSendfile(Path file) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread reader = new Thread(() -> discard((InetSocketAddress) localAddress(listener)));
            reader.start();
            try (SocketChannel out = listener.accept();
                    FileChannel in = FileChannel.open(file)) {
                long size = in.size();
                for (long pos = 0; pos < size; ) {
                    pos += in.transferTo(pos, size - pos, out); // sendfile(2) on Linux
                }
            }
            reader.join();
        }
    }

    /**
     * The two ceilings an upload meets on its way to disk, in GB/s: filling the page cache with a file's worth of new
     * pages (the file copied into {@code copy} by the kernel), and the disk taking those writes (fsync). The server
     * starts writing back while it receives, so an upload can come close to the slower of the two but not pass it.
     */
    private static double[] pageCacheAndDisk(Path file, Path copy) throws Exception {
        try (FileChannel in = FileChannel.open(file);
                FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            double fill = rate(size, () -> {
                for (long pos = 0; pos < size; ) {
                    pos += in.transferTo(pos, size - pos, out);
                }
            });
            return new double[] {fill, rate(size, () -> out.force(true))};
        }
    }

    /** Upload as the server sees it: seconds from PUT to STORED (logged in, hash known beforehand). */
    private static double serverUpload(int port, Path file, long size, String sha, String name) throws Exception {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            LineIo io = new LineIo(ch);
            login(io);
            long t = System.nanoTime();
            io.send("PUT " + size + " " + sha + " " + name);
            expect(io.line(), "OK SEND 0");
            try (FileChannel in = FileChannel.open(file)) {
                for (long pos = 0; pos < size; ) {
                    pos += in.transferTo(pos, size - pos, ch);
                }
            }
            expect(io.line(), "OK STORED");
            return (System.nanoTime() - t) / 1e9;
        }
    }

    /** Download as the server sends it: GET, then the bytes read and discarded (no client-side work). */
    private static void rawDownload(int port, String name, long size) throws Exception {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            LineIo io = new LineIo(ch);
            login(io);
            io.send("GET 0 " + name);
            expect(io.line(), "OK DATA " + size);
            long left = size;
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            while (left > 0) {
                int n = ch.read(buf.clear());
                if (n < 0) {
                    throw new IOException("short download");
                }
                left -= n;
            }
        }
    }

    private static void clientDownload(int port, String name, Path target) throws Exception {
        try (DiskClient c = DiskClient.connect("127.0.0.1", port)) {
            c.login("bench", "bench".toCharArray());
            c.download(name, target, TransferListener.NONE);
        }
    }

    private static void login(LineIo io) throws Exception {
        TestServers.login(
                line -> {
                    io.send(line);
                    return io.line();
                },
                "bench",
                "bench");
    }

    private static void expect(String line, String prefix) throws IOException {
        if (!line.startsWith(prefix)) {
            throw new IOException("expected " + prefix + ", got " + line);
        }
    }

    private static java.net.SocketAddress localAddress(ServerSocketChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void discard(InetSocketAddress address) {
        try (SocketChannel ch = SocketChannel.open(address)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            while (ch.read(buf.clear()) >= 0) {
                // count nothing: the sender's side is timed
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads reply lines byte by byte (replies are short; payloads are read by the caller). */
    private static final class LineIo {
        private final SocketChannel ch;
        private final ByteBuffer one = ByteBuffer.allocate(1);

        LineIo(SocketChannel ch) {
            this.ch = ch;
        }

        void send(String line) throws IOException {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                one.clear();
                if (ch.read(one) < 0) {
                    throw new IOException("connection closed");
                }
                char c = (char) one.get(0);
                if (c == '\n') {
                    return sb.toString();
                }
                sb.append(c);
            }
        }
    }
}
