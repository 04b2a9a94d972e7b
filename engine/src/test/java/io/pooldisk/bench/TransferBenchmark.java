package io.pooldisk.bench;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
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
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * Upload and download throughput of one large file through a real PoolDisk server, side by side in one run with the
 * two ceilings they are judged against: raw loopback sendfile (for downloads) and Java's single-core SHA-256 (for
 * uploads, which the server verifies as it writes). Also the disk's: an upload is not STORED before its bytes are on
 * disk (fsync), so the speed at which the data directory's disk takes a file's worth of writes bounds uploads too.
 * Run by scripts/bench-transfer.sh; prints one line per figure.
 *
 * <p>Arguments: [SIZE_MIB (default 1024)] [ROUNDS (default 2)].
 */
public final class TransferBenchmark {

    private static final int CHUNK = 1 << 20;

    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("pooldisk-bench");
        Path file = dir.resolve("payload.bin");
        writeRandom(file, size);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        try (DiskStore store = DiskStore.open(data)) {
            store.accounts().add("bench", "bench".toCharArray(), 0);
        }
        PoolServer server = PoolServer.start(PoolConfig.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(2).dataDir(data).build());
        try {
            int port = server.address().getPort();
            System.out.printf("file %d MiB, %d rounds, each figure the best of its rounds%n", size >> 20, rounds);
            double sha = 0;
            double sendfile = 0;
            double disk = 0;
            double upload = 0;
            double download = 0;
            double downloadVerified = 0;
            for (int r = 0; r < rounds; r++) {
                sha = Math.max(sha, rate(size, () -> sha256(file)));
                sendfile = Math.max(sendfile, rate(size, () -> rawSendfile(file)));
                disk = Math.max(disk, diskWrite(file, data.resolve("disk-ceiling.bin")));
                String name = "payload-" + r + ".bin";
                stamp(file, r); // new content each round: the server would otherwise offer an instant upload
                String hash = sha256(file); // the client's hashing comes before the timed part
                upload = Math.max(upload, size / serverUpload(port, file, size, hash, name) / 1e9);
                download = Math.max(download, rate(size, () -> rawDownload(port, name, size)));
                Path back = dir.resolve("back.bin");
                downloadVerified = Math.max(downloadVerified, rate(size, () -> clientDownload(port, name, back)));
                Files.deleteIfExists(back);
            }
            System.out.printf("sha256_single_core_GBps %.2f%n", sha);
            System.out.printf("raw_loopback_sendfile_GBps %.2f%n", sendfile);
            System.out.printf("disk_write_GBps %.2f%n", disk);
            System.out.printf("pooldisk_upload_GBps %.2f  ratio_to_sha256 %.2f  ratio_to_disk %.2f%n", upload,
                    upload / sha, upload / disk);
            System.out.printf("pooldisk_download_GBps %.2f  ratio_to_sendfile %.2f%n", download, download / sendfile);
            System.out.printf("pooldisk_download_with_client_verify_GBps %.2f%n", downloadVerified);
        } finally {
            server.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
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

    private static void writeRandom(Path file, long size) throws IOException {
        byte[] block = new byte[CHUNK];
        Random random = new Random(1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; done += CHUNK) {
                random.nextBytes(block);
                ch.write(ByteBuffer.wrap(block, 0, (int) Math.min(CHUNK, size - done)));
            }
        }
    }

    private static void stamp(Path file, long round) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putLong(0, round), 0);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(file)) {
            while (ch.read(buf.clear()) > 0) {
                md.update(buf.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The ceiling for downloads: the kernel copying the file to a loopback socket, a reader discarding it. */
    private static void rawSendfile(Path file) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread reader = new Thread(() -> discard((InetSocketAddress) localAddress(listener)));
            reader.start();
            try (SocketChannel out = listener.accept(); FileChannel in = FileChannel.open(file)) {
                long size = in.size();
                for (long pos = 0; pos < size; ) {
                    pos += in.transferTo(pos, size - pos, out); // sendfile(2) on Linux
                }
            }
            reader.join();
        }
    }

    /**
     * The disk's ceiling for uploads, in GB/s: how fast it takes a file's worth of dirty pages (the file copied into
     * a new one by the kernel, not timed), timed from fsync to its end. The server starts writing back while it
     * receives, so an upload can come close to this but not pass it. The copy is removed afterwards.
     */
    private static double diskWrite(Path file, Path copy) throws Exception {
        try (FileChannel in = FileChannel.open(file); FileChannel out = FileChannel.open(copy,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long pos = 0; pos < size; ) {
                pos += in.transferTo(pos, size - pos, out);
            }
            return rate(size, () -> out.force(true));
        } finally {
            Files.deleteIfExists(copy);
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
        TestServers.login(line -> {
            io.send(line);
            return io.line();
        }, "bench", "bench");
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
