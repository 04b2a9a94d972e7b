package io.pooldisk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A speed limit is a rate on the wire, against a real server: a limited upload and download move at the limit, and
 * their progress reports the bytes as they go, not all at once ahead of them.
 */
class RateLimitTest {

    private static final int MIB = 1024 * 1024;
    private static final long LIMIT = 2L * MIB;

    @TempDir
    Path tmp;

    /** One progress report: when, and how many bytes were in place. */
    private record Report(long nanos, long done) {}

    @Test
    void aLimitedTransferMovesAtTheLimitAndReportsEachPiece() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0);
        Path local = Files.write(tmp.resolve("six.bin"), TestServers.randomBytes(6 * MIB, 14));
        long size = Files.size(local);
        try (PoolServer server = PoolServer.start(TestServers.config(data, 2).build());
                DiskClient client =
                        DiskClient.connect("127.0.0.1", server.address().getPort())) {
            client.login("ann", "correct horse".toCharArray());
            client.setRateLimiter(RateLimiter.perSecond(LIMIT));

            List<Report> up = new ArrayList<>();
            long upStart = System.nanoTime();
            client.upload(local, "/six.bin", (done, total) -> up.add(new Report(System.nanoTime(), done)));
            long upNanos = System.nanoTime() - upStart;

            List<Report> down = new ArrayList<>();
            long downStart = System.nanoTime();
            client.download(
                    "/six.bin",
                    tmp.resolve("back.bin"),
                    (done, total) -> down.add(new Report(System.nanoTime(), done)));
            long downNanos = System.nanoTime() - downStart;

            assertThat(Files.mismatch(local, tmp.resolve("back.bin"))).isEqualTo(-1);
            assertThat(size * 1e9 / upNanos).as("upload bytes a second").isCloseTo(LIMIT, within(LIMIT * 0.2));
            assertThat(size * 1e9 / downNanos).as("download bytes a second").isCloseTo(LIMIT, within(LIMIT * 0.2));
            for (List<Report> reports : List.of(up, down)) {
                assertThat(reports).extracting(Report::done).isSorted().endsWith(size);
                assertThat(reports.size())
                        .as("a report for each piece of a tenth of a second")
                        .isGreaterThan((int) (size / (LIMIT / 10)) - 1);
            }
            // The upload reached 100 % as its last bytes went, not long before the end.
            long allSent = up.stream()
                    .filter(r -> r.done() == size)
                    .findFirst()
                    .orElseThrow()
                    .nanos();
            assertThat((double) (allSent - upStart)).isGreaterThan(upNanos * 0.8);
        }
    }

    @Test
    void anUnlimitedLimiterLetsAPieceGoWhole() throws Exception {
        RateLimiter none = RateLimiter.perSecond(0);
        assertThat(none.acquire(8L * MIB)).isEqualTo(8L * MIB);
        RateLimiter some = RateLimiter.perSecond(LIMIT);
        assertThat(some.acquire(8L * MIB)).isEqualTo(LIMIT / 10);
    }
}
