package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void ratesComeFromSuccessiveSamples() {
        Throughput throughput = new Throughput();

        throughput.sample(START, snapshot(100, 1_000, 0));
        throughput.sample(START.plusSeconds(2), snapshot(300, 5_096, 0));

        assertThat(throughput.commandsPerSecondProperty().get()).isEqualTo(100.0);
        assertThat(throughput.bytesPerSecondProperty().get()).isEqualTo(2_048.0);
        assertThat(throughput.kibibytes().get(1).getYValue().doubleValue()).isEqualTo(2.0);
        assertThat(throughput.busy().get(1).getYValue().intValue()).isEqualTo(1);
        assertThat(throughput.lingering().get(1).getYValue().intValue()).isEqualTo(1);
    }

    @Test
    void busyCountsOnlyWorkersRunningACommandAndLingeringThoseWaitingForOne() {
        Throughput throughput = new Throughput();
        List<WorkerInfo> workers = List.of(
                new WorkerInfo(0, 11, WorkerState.LINGERING, "", "127.0.0.1:5000", "", 1, 0, 1, START, 0),
                new WorkerInfo(1, 12, WorkerState.LINGERING, "", "127.0.0.1:5001", "", 2, 0, 1, START, 0),
                new WorkerInfo(2, 13, WorkerState.IDLE, "", "", "", 0, 0, 1, START, 0));

        throughput.sample(
                START, new PoolSnapshot(START, "127.0.0.1:8080", 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, workers, List.of()));

        assertThat(throughput.busy().get(0).getYValue().intValue()).isZero();
        assertThat(throughput.lingering().get(0).getYValue().intValue()).isEqualTo(2);
    }

    @Test
    void pointsOlderThanTheWindowFallOff() {
        Throughput throughput = new Throughput();
        for (int second = 0; second <= Throughput.WINDOW.toSeconds() + 10; second++) {
            throughput.sample(START.plusSeconds(second), snapshot(second, 0, second % 3));
        }

        assertThat(throughput.queued()).hasSize((int) Throughput.WINDOW.toSeconds() + 1);
        assertThat(throughput.queued().get(0).getXValue().doubleValue())
                .isEqualTo(START.plus(Duration.ofSeconds(10)).getEpochSecond());
    }

    private static PoolSnapshot snapshot(long requests, long bytes, int queued) {
        List<WorkerInfo> workers = List.of(
                new WorkerInfo(0, 11, WorkerState.BUSY, "ECHO", "127.0.0.1:5000", "", 1, 0, 1, START, 0),
                new WorkerInfo(1, 12, WorkerState.LINGERING, "", "127.0.0.1:5001", "", 2, 0, 1, START, 0),
                new WorkerInfo(2, 13, WorkerState.IDLE, "", "", "", 0, 0, 1, START, 0));
        return new PoolSnapshot(
                START, "127.0.0.1:8080", 0, queued, 0, 1, 0, requests, 0, 0, bytes, 0, workers, List.of());
    }
}
