package io.pooldisk.pool;

import io.pooldisk.control.ControlMessage;
import java.time.Instant;
import java.util.List;

/**
 * The scoreboard at one moment (php-fpm status page in spirit). Idle, busy and total are counted from
 * {@link #workers()} when the snapshot is taken, never kept as counters of their own.
 *
 * @param startedAt       when the server started
 * @param listenAddress   the address it listens on, "host:port"
 * @param accepted        connections accepted since start
 * @param queuedNow       sessions waiting for an idle worker now
 * @param maxQueued       most sessions ever waiting at once
 * @param maxBusy         most workers ever serving sessions at once (busy or lingering)
 * @param allBusyCount    how often a session found every worker busy
 * @param requestsServed  commands served by all workers since start
 * @param rejected        connections turned away with ERR 503
 * @param slowCommands    commands that took longer than {@link ControlMessage#SLOW_COMMAND_MILLIS}
 * @param bytesIn         bytes received from clients by workers since start
 * @param bytesOut        bytes sent to clients by workers since start
 * @param workers         one entry per worker slot
 * @param sessions        every open session
 */
public record PoolSnapshot(
        Instant startedAt,
        String listenAddress,
        long accepted,
        int queuedNow,
        int maxQueued,
        int maxBusy,
        long allBusyCount,
        long requestsServed,
        long rejected,
        long slowCommands,
        long bytesIn,
        long bytesOut,
        List<WorkerInfo> workers,
        List<SessionInfo> sessions) {

    public int idle() {
        return count(WorkerState.IDLE);
    }

    public int busy() {
        return count(WorkerState.BUSY);
    }

    /** Workers holding a session whose client has nothing for them yet (see {@link WorkerState#LINGERING}). */
    public int lingering() {
        return count(WorkerState.LINGERING);
    }

    public int starting() {
        return count(WorkerState.STARTING);
    }

    /** Workers with a live process. */
    public int total() {
        return (int) workers.stream().filter(w -> w.state() != WorkerState.DEAD).count();
    }

    private int count(WorkerState state) {
        return (int) workers.stream().filter(w -> w.state() == state).count();
    }
}
