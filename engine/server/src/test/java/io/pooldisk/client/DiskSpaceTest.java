package io.pooldisk.client;

import static io.pooldisk.testing.TestServers.loggedIn;
import static io.pooldisk.testing.TestServers.randomBytes;
import static io.pooldisk.testing.TestServers.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Space on a real server (issue 12, items 8 and 9): content whose last reference goes is freed at once, so its space
 * is usable right after RM; unfinished uploads count against their user's quota.
 */
class DiskSpaceTest {

    private static final int MIB = 1024 * 1024;
    private static final Duration SECONDS = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    /** The case: a 64 MiB disk, two 24 MiB files removed, and the next 24 MiB upload fits at once. */
    @Test
    void removedFilesFreeTheirSpaceOnTheDiskAtOnce() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small-disk"));
        assumeThat(run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", disk.toString()))
                .as("mounting a 64 MiB tmpfs (needs root)")
                .isZero();
        try {
            Path data = TestServers.dataWithUsers(disk, "ann", "a", 0);
            try (PoolServer server =
                            PoolServer.start(TestServers.config(data, 2).build());
                    LineClient ann = loggedIn(server.address(), "ann", "a")) {
                byte[] one = randomBytes(24 * MIB, 1);
                byte[] two = randomBytes(24 * MIB, 2);
                byte[] three = randomBytes(24 * MIB, 3);
                assertThat(upload(ann, "/one", one)).startsWith("OK STORED ");
                assertThat(upload(ann, "/two", two)).startsWith("OK STORED ");
                assertThat(ann.request(put("/three", three))).startsWith("ERR 507 disk full");
                assertThat(ann.request("RM /one")).isEqualTo("OK removed");
                assertThat(ann.request("RM /two")).isEqualTo("OK removed");
                assertThat(upload(ann, "/three", three)).startsWith("OK STORED ");
                assertThat(blobs(data)).containsExactly(sha256(three));
            }
        } finally {
            // lazily: this process keeps server.log open (ServerLogFile never closes it), and exiting workers the
            // database; the memory goes when they do
            run("umount", "--lazy", disk.toString());
        }
    }

    @Test
    void unfinishedUploadsCountAgainstTheQuotaAndFreedContentLeavesTheBlobStore() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "bob", "b", 10 * MIB);
        byte[] a = randomBytes(6 * MIB, 4);
        byte[] b = randomBytes(6 * MIB, 5);
        try (PoolServer server = PoolServer.start(TestServers.config(data, 2).build())) {
            try (LineClient first = loggedIn(server.address(), "bob", "b")) {
                assertThat(first.request(put("/a", a))).isEqualTo("OK SEND 0");
                first.sendRaw(Arrays.copyOf(a, MIB));
            } // gone mid-way: 6 MiB stay counted for bob until the upload completes or expires
            try (LineClient bob = loggedIn(server.address(), "bob", "b")) {
                assertThat(bob.request(put("/b", b)))
                        .startsWith("ERR 507 quota exceeded")
                        .contains("held by unfinished uploads");
                String resume = bob.request(put("/a", a)); // the same upload: not counted twice
                assertThat(resume).startsWith("OK SEND ");
                int offset = Integer.parseInt(resume.substring("OK SEND ".length()));
                bob.sendRaw(Arrays.copyOfRange(a, offset, a.length));
                assertThat(bob.readLine()).startsWith("OK STORED F " + a.length + " ");

                assertThat(bob.request(put("/b", b))).startsWith("ERR 507 quota exceeded");
                assertThat(blobs(data)).containsExactly(sha256(a));
                assertThat(bob.request("RM /a")).isEqualTo("OK removed");
                await().atMost(SECONDS).until(() -> blobs(data).isEmpty());
                assertThat(upload(bob, "/b", b)).startsWith("OK STORED ");
            }
        }
    }

    private static String put(String path, byte[] content) {
        return "PUT " + content.length + " " + sha256(content) + " " + path;
    }

    /** PUT and the bytes; the final reply. */
    private static String upload(LineClient c, String path, byte[] content) throws IOException {
        String reply = c.request(put(path, content));
        if (!reply.equals("OK SEND 0")) {
            return reply;
        }
        c.sendRaw(content);
        return c.readLine();
    }

    /** The hashes of the blobs in the data directory's blob store. */
    private static java.util.List<String> blobs(Path data) throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
