package io.pooldisk.pool;

import io.pooldisk.unix.MessageSocket;

/** The master's record of one worker slot and the process in it. Touched only by the master loop. */
final class Worker {

    final int slot;
    int pid;
    MessageSocket socket;
    WorkerState state = WorkerState.DEAD;
    Session session;
    String command = "";
    String lastCommand = "";
    long commandBytes;
    long requests;
    long requestLimit;
    long spawnedAt;
    long helloDeadline;
    long idleSince;
    /** Since when it waits for its client (state LINGERING). */
    long lingeringSince;
    /** Whether the master asked it to hand its current session back (Release); reset at each hand-off. */
    boolean releaseAsked;
    /** Last sign of progress in the current command: its start, a PROGRESS or END. */
    long lastProgress;

    long rssBytes;
    /** The {@link Supervisor}'s generation when it was started: an older one is being replaced. */
    int generation;

    Worker(int slot) {
        this.slot = slot;
    }

    // ---------------------------------------------------------------- its life, step by step

    /** Its process was started ({@code requestLimit}: commands before it is recycled, 0 for no limit). */
    void started(int processId, MessageSocket socketpair, long now, long bootDeadline, long requestLimit) {
        pid = processId;
        socket = socketpair;
        state = WorkerState.STARTING;
        spawnedAt = now;
        helloDeadline = bootDeadline;
        requests = 0;
        command = "";
        lastCommand = "";
        this.requestLimit = requestLimit;
    }

    /** Free for the next session (after its hello, or after handing a session back). */
    void idle(long now) {
        state = WorkerState.IDLE;
        idleSince = now;
    }

    /** Takes {@code s} to serve. */
    void serve(Session s, long now) {
        session = s;
        state = WorkerState.BUSY;
        releaseAsked = false;
        commandBytes = 0;
        lastProgress = now;
    }

    /** Its report says it waits for its client ({@code true}), or that the wait is over. */
    void waiting(boolean waiting, long now) {
        if (waiting && state == WorkerState.BUSY) {
            state = WorkerState.LINGERING;
            lingeringSince = now;
        } else if (!waiting && state == WorkerState.LINGERING) {
            state = WorkerState.BUSY;
        }
    }

    /** Gives its session back (parked, closed, or lost with the process): the session, or null. */
    Session giveBack() {
        Session s = session;
        session = null;
        command = "";
        return s;
    }

    /** Told to leave once its session is back. */
    void stopping(long now) {
        state = WorkerState.STOPPING;
        lastProgress = now;
    }

    /** Its process ended (or is being ended): the slot is free. */
    void died() {
        state = WorkerState.DEAD;
    }

    boolean alive() {
        return state != WorkerState.DEAD;
    }

    /** Alive and not on its way out: counts toward the wanted number of workers. */
    boolean serving() {
        return state == WorkerState.STARTING || state == WorkerState.IDLE || occupied();
    }

    /** Serving a session: running its command, or lingering for its client. */
    boolean occupied() {
        return state == WorkerState.BUSY || state == WorkerState.LINGERING;
    }

    @Override
    public String toString() {
        return "worker " + slot + " (pid " + pid + ")";
    }
}
