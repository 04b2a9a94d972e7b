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

    Worker(int slot) {
        this.slot = slot;
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
