package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.control.Tally;
import io.pooldisk.testing.MetricsParser;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page of /metrics from a made-up snapshot, in both formats, read back by prometheus_client's parsers. */
class MetricsTextTest {

    private static final Instant STARTED = Instant.parse("2026-11-30T12:00:00Z");
    private static final Instant NOW = STARTED.plusSeconds(90);

    private static PoolSnapshot snapshot() {
        List<WorkerInfo> workers = List.of(
                new WorkerInfo(0, 101, WorkerState.IDLE, "", "", "", 0, 0, 7, STARTED, 30_000_000),
                new WorkerInfo(1, 102, WorkerState.BUSY, "PUT /a", "127.0.0.1:5", "ann", 3, 99, 5, STARTED, 0),
                new WorkerInfo(2, 0, WorkerState.DEAD, "", "", "", 0, 0, 0, STARTED, 0));
        List<SessionInfo> sessions = List.of(new SessionInfo(3, "127.0.0.1:5", "ann", 102, STARTED, 10, 20));
        return new PoolSnapshot(STARTED, "127.0.0.1:8080", 40, 2, 6, 2, 4, 12, 3, 1, 5000, 7000, workers, sessions);
    }

    private static PoolMetrics metrics() {
        PoolMetrics m = new PoolMetrics();
        m.count(new Tally(
                new int[] {
                    Tally.key(0, 0), 5, Tally.key(Tally.VERBS.indexOf("PROOF"), 401), 2, Tally.key(Tally.OTHER, 400), 1
                },
                new long[] {Tally.transfer(true, 20), Tally.transfer(true, 3_000), Tally.transfer(false, 7)}));
        m.recordTransfer("download", 4000); // past the last bound: +Inf only
        m.recordLoginFailure();
        return m;
    }

    @Test
    void openMetricsAsTheParserReadsIt() throws Exception {
        String text = MetricsText.write(snapshot(), 3, metrics(), NOW, true);
        assertThat(text).endsWith("\n# EOF\n").contains("# UNIT pooldisk_received_bytes bytes\n");
        MetricsParser.Families f = MetricsParser.parse(text, "openmetrics");

        assertThat(f.value("pooldisk_workers", "state", "idle")).isEqualTo(1);
        assertThat(f.value("pooldisk_workers", "state", "busy")).isEqualTo(1);
        assertThat(f.value("pooldisk_workers", "state", "dead")).isEqualTo(1);
        assertThat(f.value("pooldisk_workers", "state", "lingering")).isZero();
        assertThat(f.value("pooldisk_workers_configured")).isEqualTo(3);
        assertThat(f.value("pooldisk_connections_accepted_total")).isEqualTo(40);
        assertThat(f.value("pooldisk_connections_refused_total")).isEqualTo(3);
        assertThat(f.value("pooldisk_queue_length")).isEqualTo(2);
        assertThat(f.value("pooldisk_queue_length_max")).isEqualTo(6);
        assertThat(f.value("pooldisk_sessions")).isEqualTo(1);
        assertThat(f.value("pooldisk_all_busy_total")).isEqualTo(4);
        assertThat(f.value("pooldisk_uptime_seconds")).isEqualTo(90);
        assertThat(f.value("pooldisk_start_time_seconds")).isEqualTo(STARTED.getEpochSecond());
        assertThat(f.value("pooldisk_worker_state", "slot", "1", "pid", "102", "state", "busy"))
                .isEqualTo(1);
        assertThat(f.value("pooldisk_worker_requests_total", "slot", "0", "pid", "101"))
                .isEqualTo(7);
        assertThat(f.value("pooldisk_worker_resident_memory_bytes", "slot", "0"))
                .isEqualTo(30_000_000);
        assertThat(f.value("pooldisk_commands_total", "verb", "ECHO", "result", "OK"))
                .isEqualTo(5);
        assertThat(f.value("pooldisk_commands_total", "verb", "PROOF", "result", "401"))
                .isEqualTo(2);
        assertThat(f.value("pooldisk_commands_total", "verb", "other", "result", "400"))
                .isEqualTo(1);
        assertThat(f.samples("pooldisk_commands")).hasSize(3);
        assertThat(f.value("pooldisk_slow_commands_total")).isEqualTo(1);
        assertThat(f.value("pooldisk_received_bytes_total")).isEqualTo(5000);
        assertThat(f.value("pooldisk_sent_bytes_total")).isEqualTo(7000);
        assertThat(f.value("pooldisk_login_failures_total")).isEqualTo(3); // two PROOF 401s and one recorded

        String upload = "upload";
        assertThat(f.value("pooldisk_transfer_duration_seconds_count", "direction", upload))
                .isEqualTo(2);
        assertThat(f.value("pooldisk_transfer_duration_seconds_sum", "direction", upload))
                .isCloseTo(3.02, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.value("pooldisk_transfer_duration_seconds_bucket", "direction", upload, "le", "0.025"))
                .isEqualTo(1);
        assertThat(f.value("pooldisk_transfer_duration_seconds_bucket", "direction", upload, "le", "2.5"))
                .isEqualTo(1);
        assertThat(f.value("pooldisk_transfer_duration_seconds_bucket", "direction", upload, "le", "5.0"))
                .isEqualTo(2);
        assertThat(f.value("pooldisk_transfer_duration_seconds_bucket", "direction", "download", "le", "1800.0"))
                .isEqualTo(1);
        assertThat(f.value("pooldisk_transfer_duration_seconds_bucket", "direction", "download", "le", "+Inf"))
                .isEqualTo(2);
        for (com.fasterxml.jackson.databind.JsonNode family : f.families()) {
            assertThat(family.get("name").asText()).startsWith("pooldisk_");
            assertThat(family.get("help").asText()).isNotEmpty();
        }
    }

    @Test
    void prometheusTextAsTheParserReadsIt() throws Exception {
        String text = MetricsText.write(snapshot(), 3, metrics(), NOW, false);
        assertThat(text).doesNotContain("# EOF", "# UNIT").contains("# TYPE pooldisk_commands_total counter\n");
        MetricsParser.Families f = MetricsParser.parse(text, "prometheus");
        assertThat(f.value("pooldisk_commands_total", "verb", "ECHO", "result", "OK"))
                .isEqualTo(5);
        assertThat(f.value("pooldisk_transfer_duration_seconds_count", "direction", "download"))
                .isEqualTo(2);
        assertThat(f.value("pooldisk_workers_configured")).isEqualTo(3);
    }

    @Test
    void theAcceptHeaderPicksTheFormat() {
        assertThat(MetricsText.wantsOpenMetrics(null)).isFalse();
        assertThat(MetricsText.wantsOpenMetrics("text/plain;version=0.0.4")).isFalse();
        assertThat(MetricsText.wantsOpenMetrics(
                        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
                .isTrue();
    }

    @Test
    void aTransferIsAnUploadOrADownload() {
        PoolMetrics m = new PoolMetrics();
        assertThatThrownBy(() -> m.recordTransfer("sideways", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(m.commands("NOPE", "OK")).isZero();
    }
}
