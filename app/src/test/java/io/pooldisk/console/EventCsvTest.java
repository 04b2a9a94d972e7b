package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolEvent;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCsvTest {

    @Test
    void writesAHeaderAndOneQuotedWhereNeededLinePerEvent() throws Exception {
        Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
        StringWriter out = new StringWriter();

        EventCsv.write(
                List.of(
                        new PoolEvent(at, PoolEvent.Level.INFO, PoolEvent.Kind.HANDOFF, "session 7 to worker 4242"),
                        new PoolEvent(
                                at, PoolEvent.Level.WARN, PoolEvent.Kind.SESSION, "said \"hi, there\"\nand left")),
                out);

        assertThat(out.toString())
                .isEqualTo("time,level,kind,message\r\n"
                        + "2026-01-02T03:04:05.678Z,INFO,handoff,session 7 to worker 4242\r\n"
                        + "2026-01-02T03:04:05.678Z,WARN,session,\"said \"\"hi, there\"\"\nand left\"\r\n");
    }
}
