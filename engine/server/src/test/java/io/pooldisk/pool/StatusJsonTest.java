package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@code status --json}: the counts per state and each worker's state word, from a made-up snapshot. */
class StatusJsonTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** One worker in each state a live pool shows, plus a dead slot. */
    private static PoolSnapshot snapshot() {
        List<WorkerInfo> workers = List.of(
                new WorkerInfo(0, 11, WorkerState.IDLE, "", "", "", 0, 0, 3, START, 0),
                new WorkerInfo(1, 12, WorkerState.BUSY, "GET", "127.0.0.1:5000", "ann", 7, 4096, 5, START, 0),
                new WorkerInfo(2, 13, WorkerState.LINGERING, "", "127.0.0.1:5001", "bob", 8, 0, 9, START, 0),
                new WorkerInfo(3, 14, WorkerState.STARTING, "", "", "", 0, 0, 0, START, 0),
                new WorkerInfo(4, 0, WorkerState.DEAD, "", "", "", 0, 0, 0, START, 0));
        return new PoolSnapshot(START, "127.0.0.1:8080", 20, 0, 1, 2, 0, 17, 0, 0, 100, 200, workers, List.of());
    }

    @Test
    void aWatchedSnapshotAndEventReadBackAsTheyWere() {
        PoolSnapshot withSession = new PoolSnapshot(
                START,
                "[::1]:8080",
                20,
                1,
                2,
                3,
                4,
                17,
                5,
                6,
                100,
                200,
                snapshot().workers(),
                List.of(new SessionInfo(7, "127.0.0.1:5000", "ann", 12, START, 10, 20)));
        JsonNode line = StatusJson.parse(StatusJson.watchSnapshot(withSession));
        assertThat(line.get("type").asText()).isEqualTo("snapshot");
        assertThat(StatusJson.readSnapshot(line)).isEqualTo(withSession);

        PoolEvent event = new PoolEvent(START, PoolEvent.Level.WARN, PoolEvent.Kind.SESSION, "kicked \"ann\"\n");
        JsonNode eventLine = StatusJson.parse(StatusJson.watchEvent(event));
        assertThat(eventLine.get("type").asText()).isEqualTo("event");
        assertThat(StatusJson.readEvent(eventLine)).isEqualTo(event);
        assertThat(StatusJson.watchEvent(event)).doesNotContain("\n");
    }

    @Test
    void countsLingeringWorkersApartFromBusyOnes() throws Exception {
        JsonNode json = new ObjectMapper().readTree(StatusJson.write(snapshot()));

        assertThat(json.get("idle").asInt()).isEqualTo(1);
        assertThat(json.get("busy").asInt()).isEqualTo(1);
        assertThat(json.get("lingering").asInt()).isEqualTo(1);
        assertThat(json.get("starting").asInt()).isEqualTo(1);
        assertThat(json.get("total").asInt()).isEqualTo(4);
        assertThat(json.get("workers").findValuesAsText("state"))
                .containsExactly("idle", "busy", "lingering", "starting", "dead");
    }

    @Test
    void stateWordsDoNotDependOnTheDefaultLocale() throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR")); // where "I".toLowerCase() is a dotless ı
        try {
            JsonNode json = new ObjectMapper().readTree(StatusJson.write(snapshot()));
            assertThat(json.get("workers").findValuesAsText("state")).contains("idle", "lingering");
        } finally {
            Locale.setDefault(before);
        }
    }
}
