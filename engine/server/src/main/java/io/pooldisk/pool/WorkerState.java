package io.pooldisk.pool;

/** What a worker slot is doing, as the master sees it. Idle and busy counts are always derived from these. */
public enum WorkerState {
    /** Spawned, not yet said hello. */
    STARTING,
    /** Waiting for a session. */
    IDLE,
    /** Serving a session: running a command. */
    BUSY,
    /**
     * Serving a session whose client has nothing for it yet (its next command, or a transfer's socket): the worker
     * waits for at most the linger, and hands the session back to the master at once when another session needs a
     * worker.
     */
    LINGERING,
    /** Told to leave (recycle, shrink, stop); exits when its session is returned. */
    STOPPING,
    /** The process died; the slot waits for its replacement. */
    DEAD
}
