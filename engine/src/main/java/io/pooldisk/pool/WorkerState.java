package io.pooldisk.pool;

/** What a worker slot is doing, as the master sees it. Idle and busy counts are always derived from these. */
public enum WorkerState {
    /** Spawned, not yet said hello. */
    STARTING,
    /** Waiting for a session. */
    IDLE,
    /** Serving a session: running a command or lingering for the client's next one. */
    BUSY,
    /** Told to leave (recycle, shrink, stop); exits when its session is returned. */
    STOPPING,
    /** The process died; the slot waits for its replacement. */
    DEAD
}
