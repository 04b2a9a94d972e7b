package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.StatusJson;
import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pooldisk status} as text, from a made-up scoreboard (ServeCommandTest reads a real server's). */
class StatusCommandTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void showsLingeringWorkersApartFromBusyOnes() throws Exception {
        String text = print(StatusJson.write(snapshot()));

        assertThat(text).contains("workers 3: idle 1, busy 1, lingering 1, starting 0; most serving at once 2;");
        assertThat(text.lines())
                .anyMatch(line -> line.matches("1 +12 +busy +5 .* GET +127\\.0\\.0\\.1:5000"))
                .anyMatch(line -> line.matches("2 +13 +lingering +9 .* 127\\.0\\.0\\.1:5001"));
    }

    @Test
    void aServerThatSendsNoLingeringCountShowsNone() throws Exception {
        ObjectNode older = (ObjectNode) JSON.readTree(StatusJson.write(snapshot()));
        older.remove("lingering");

        assertThat(print(older.toString())).contains("idle 1, busy 1, lingering 0, starting 0;");
    }

    private static String print(String json) throws Exception {
        StringWriter out = new StringWriter();
        StatusCommand.print(JSON.readTree(json), new PrintWriter(out, true));
        return out.toString();
    }

    private static PoolSnapshot snapshot() {
        List<WorkerInfo> workers = List.of(
                new WorkerInfo(0, 11, WorkerState.IDLE, "", "", "", 0, 0, 3, START, 0),
                new WorkerInfo(1, 12, WorkerState.BUSY, "GET", "127.0.0.1:5000", "ann", 7, 4096, 5, START, 0),
                new WorkerInfo(2, 13, WorkerState.LINGERING, "", "127.0.0.1:5001", "bob", 8, 0, 9, START, 0));
        return new PoolSnapshot(START, "127.0.0.1:8080", 20, 0, 1, 2, 0, 17, 0, 0, 100, 200, workers, List.of());
    }
}
