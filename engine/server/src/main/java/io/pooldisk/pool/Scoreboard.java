package io.pooldisk.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The pool's running totals since it started, and the snapshot that shows them with every worker and session
 * (php-fpm's status page, gunicorn's scoreboard). Touched only by the master loop.
 */
final class Scoreboard {

    private long accepted;
    private long refused;
    private long commands;
    private long slowCommands;
    private long bytesIn;
    private long bytesOut;
    private long allBusy;
    private int maxQueued;
    private int maxBusy;

    /** A connection was accepted (whether or not it then became a session). */
    void accepted() {
        accepted++;
    }

    /** A connection or a request was turned away (ERR 503, a ban, the queue's limits). */
    void refused() {
        refused++;
    }

    /** A request found no idle worker. */
    void allBusy() {
        allBusy++;
    }

    void queueLength(int queued) {
        maxQueued = Math.max(maxQueued, queued);
    }

    void workersServing(int occupied) {
        maxBusy = Math.max(maxBusy, occupied);
    }

    /** A worker's report: commands done since its last one, how many of them slow. */
    void commandsDone(int done, int slow) {
        commands += done;
        slowCommands += slow;
    }

    void bytesMoved(long in, long out) {
        bytesIn += in;
        bytesOut += out;
    }

    /** {@code instant}: the master's monotonic milliseconds to wall-clock time. */
    PoolSnapshot snapshot(
            Instant startedAt,
            String address,
            int queued,
            List<Worker> slots,
            Collection<Session> sessions,
            LongFunction<Instant> instant) {
        List<WorkerInfo> workers = new ArrayList<>(slots.size());
        for (Worker w : slots) {
            Session s = w.session;
            workers.add(new WorkerInfo(
                    w.slot,
                    w.alive() ? w.pid : 0,
                    w.state,
                    w.command.isEmpty() && w.state == WorkerState.LINGERING ? "(waiting)" : w.command,
                    s == null ? "" : s.client(),
                    s == null ? "" : s.user(),
                    s == null ? 0 : s.id,
                    w.commandBytes,
                    w.requests,
                    instant.apply(w.spawnedAt),
                    w.rssBytes));
        }
        List<SessionInfo> list = new ArrayList<>(sessions.size());
        for (Session s : sessions) {
            list.add(new SessionInfo(
                    s.id,
                    s.client(),
                    s.user(),
                    s.worker != null ? s.worker.pid : s.queued ? -1 : 0,
                    instant.apply(s.acceptedAt),
                    s.bytesIn,
                    s.bytesOut));
        }
        return new PoolSnapshot(
                startedAt,
                address,
                accepted,
                queued,
                maxQueued,
                maxBusy,
                allBusy,
                commands,
                refused,
                slowCommands,
                bytesIn,
                bytesOut,
                workers,
                list);
    }
}
