package io.pooldisk.bench;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.disk.InstantUploadPolicy;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.protocol.PossessionProof;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.Procfs;
import io.pooldisk.testing.TestServers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What the proof of possession of an instant upload costs (docs/PROTOCOL.md, Upload), for one file through a real
 * server (2 workers): the client's two reads of its file (the SHA-256 it announces, then the HMAC keyed by the
 * server's nonce), the server's one read of its stored copy, and the whole instant upload as the client library does
 * it, next to an upload of the same size that sends its bytes. Files are read from the page cache (the client's file
 * and the blob were just written). Each figure is wall time and CPU time (the client thread's; the workers', from
 * /proc): on a shared machine the CPU time is the steadier. Run by scripts/bench-instant.sh; prints a line per round
 * and the medians.
 *
 * <p>Arguments: [SIZE_MIB (default 256)] [ROUNDS (default 5)].
 */
public final class InstantUploadBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Wall and CPU milliseconds of one figure. */
    private record Cost(double wall, double cpu) {
        @Override
        public String toString() {
            return String.format("%.0f (cpu %.0f)", wall, cpu);
        }
    }

    private interface Timed {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 256) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("pooldisk-bench-instant");
        Path file = dir.resolve("payload.bin");
        TransferBenchmark.writeRandom(file, size);
        Object[] users = new Object[3 * (rounds + 2)];
        for (int i = 0; i < rounds + 2; i++) {
            users[3 * i] = "u" + i;
            users[3 * i + 1] = "pw";
            users[3 * i + 2] = 0;
        }
        Path data = TestServers.dataWithUsers(dir, users);
        try (PoolServer server = PoolServer.start(TestServers.config(data, 2)
                .instantUploads(InstantUploadPolicy.ALL)
                .build())) {
            int port = server.address().getPort();
            upload(port, "u0", file, "/stored.bin");
            System.out.printf(
                    "file %d MiB, %d rounds after one untimed; milliseconds, wall (cpu)%n", size >> 20, rounds);
            Cost[][] figures = new Cost[5][rounds];
            for (int r = -1; r < rounds; r++) {
                String user = "u" + (r + 2);
                Cost sha = clientCost(() -> Sha256.of(file, 0, size));
                Cost proof = clientCost(() -> clientProof(file, size));
                Cost serverProof = serverProof(server, user, file, size);
                Cost instant = clientCost(() -> upload(port, user, file, "/instant-" + user));
                Path other = dir.resolve("other-" + r + ".bin");
                TransferBenchmark.writeRandom(other, size);
                TransferBenchmark.stamp(other, 100 + r); // new content: its bytes must be sent
                Cost sent = clientCost(() -> upload(port, user, other, "/sent-" + user));
                if (r < 0) {
                    continue; // the JIT of this JVM and of both workers
                }
                Cost[] round = {sha, proof, serverProof, instant, sent};
                for (int f = 0; f < round.length; f++) {
                    figures[f][r] = round[f];
                }
                System.out.printf(
                        "round %d: client sha256 %s  client proof %s  server proof %s  instant upload %s"
                                + "  upload sending the bytes %s%n",
                        r + 1, sha, proof, serverProof, instant, sent);
            }
            System.out.printf(
                    "median: client sha256 %s  client proof %s  server proof %s  instant upload %s  upload "
                            + "sending the bytes %s (cpu: this client's thread)%n",
                    median(figures[0]), median(figures[1]), median(figures[2]), median(figures[3]), median(figures[4]));
            System.out.printf(
                    "at the median wall times: client proof %.2f GB/s, server proof %.2f GB/s%n",
                    size / median(figures[1]).wall() / 1e6,
                    size / median(figures[2]).wall() / 1e6);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String clientProof(Path file, long size) throws IOException {
        try (FileChannel in = FileChannel.open(file)) {
            return PossessionProof.of(PossessionProof.newNonce(new SecureRandom()), in, size, bytes -> {});
        }
    }

    /**
     * The server's read of its copy: a raw client sends a wrong HASH the moment it has the nonce, and the worker
     * reads it once it has computed the proof expected; the time from PROVE to its answer is that computation, and
     * the workers' CPU time meanwhile is its cost.
     */
    private static Cost serverProof(PoolServer server, String user, Path file, long size) throws Exception {
        try (LineClient c = TestServers.loggedIn(server.address(), user, "pw")) {
            String prove = c.request("PUT " + size + " " + Sha256.of(file, 0, size) + " /probe");
            if (!prove.startsWith("OK PROVE ")) {
                throw new IllegalStateException("no instant upload offered: " + prove);
            }
            long cpu = workersCpuMillis(server);
            long start = System.nanoTime();
            String answer = c.request("HASH " + "0".repeat(64));
            double wall = (System.nanoTime() - start) / 1e6;
            if (!answer.startsWith("ERR 412 ")) {
                throw new IllegalStateException("unexpected answer: " + answer);
            }
            return new Cost(wall, workersCpuMillis(server) - cpu);
        }
    }

    private static long workersCpuMillis(PoolServer server) throws IOException {
        long total = 0;
        for (WorkerInfo w : server.snapshot().workers()) {
            total += Procfs.cpuMillis(w.pid());
        }
        return total;
    }

    private static void upload(int port, String user, Path file, String remote) throws IOException {
        try (DiskClient c = DiskClient.connect("127.0.0.1", port)) {
            c.login(user, "pw".toCharArray());
            c.upload(file, remote, TransferListener.NONE);
        }
    }

    /** Wall time, and the CPU time of this thread (the client's work). */
    private static Cost clientCost(Timed t) throws Exception {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        t.run();
        return new Cost((System.nanoTime() - start) / 1e6, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
    }

    private static Cost median(Cost[] costs) {
        return new Cost(
                median(Arrays.stream(costs).mapToDouble(Cost::wall).toArray()),
                median(Arrays.stream(costs).mapToDouble(Cost::cpu).toArray()));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private InstantUploadBenchmark() {}
}
