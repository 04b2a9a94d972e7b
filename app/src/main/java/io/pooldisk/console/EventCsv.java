package io.pooldisk.console;

import io.pooldisk.pool.PoolEvent;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/** Log events as CSV (RFC 4180): time (ISO-8601, UTC), level, kind, message; quoted where needed. */
final class EventCsv {

    private EventCsv() {}

    static void write(List<PoolEvent> events, Writer out) throws IOException {
        out.write("time,level,kind,message\r\n");
        for (PoolEvent event : events) {
            out.write(event.time() + "," + event.level() + ","
                    + event.kind().name().toLowerCase(Locale.ROOT) + "," + field(event.message()) + "\r\n");
        }
    }

    static String field(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
