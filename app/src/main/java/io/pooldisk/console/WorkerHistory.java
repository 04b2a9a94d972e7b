package io.pooldisk.console;

import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.WorkerInfo;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What each worker slot was seen doing in the snapshots: a line per change of process, state or command. */
final class WorkerHistory {

    static final int MAX_LINES = 50;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Map<Integer, Deque<String>> lines = new HashMap<>();
    private final Map<Integer, String> last = new HashMap<>();

    void record(PoolSnapshot snapshot, Instant at) {
        for (WorkerInfo worker : snapshot.workers()) {
            String now = describe(worker);
            if (!now.equals(last.put(worker.slot(), now))) {
                Deque<String> slot = lines.computeIfAbsent(worker.slot(), s -> new ArrayDeque<>());
                slot.addFirst(TIME.format(at) + "  " + now);
                if (slot.size() > MAX_LINES) {
                    slot.removeLast();
                }
            }
        }
    }

    /** The slot's lines, newest first. */
    List<String> of(int slot) {
        return List.copyOf(lines.getOrDefault(slot, new ArrayDeque<>()));
    }

    static String describe(WorkerInfo worker) {
        StringBuilder line = new StringBuilder(worker.pid() == 0 ? "no process" : "PID " + worker.pid())
                .append(' ')
                .append(worker.state().name().toLowerCase(Locale.ROOT));
        if (!worker.command().isEmpty()) {
            line.append(": ").append(worker.command());
        }
        if (!worker.client().isEmpty()) {
            line.append(" for ").append(worker.client());
        }
        return line.toString();
    }
}
