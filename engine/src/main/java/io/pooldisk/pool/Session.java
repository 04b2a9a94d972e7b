package io.pooldisk.pool;

import io.pooldisk.worker.SessionState;

/**
 * A client session, owned by the master for its whole life: the connection, the state that travels with it between
 * workers, and its counters. Parked (in epoll, waiting to become readable), queued (readable, waiting for a worker),
 * or lent to a worker.
 */
final class Session {

    final long id;
    final int fd;
    final long acceptedAt;
    SessionState state;
    Worker worker;
    long queuedAt;
    boolean queued;
    long lastActive;
    long bytesIn;
    long bytesOut;
    /** The totals when the current hand-off began: a worker counts from zero for each hand-off. */
    private long handOffIn;
    private long handOffOut;
    boolean closed;
    /** Whether the descriptor is in the master's epoll set yet (only once it was first parked). */
    boolean registered;

    Session(long id, int fd, String client, long now) {
        this.id = id;
        this.fd = fd;
        this.acceptedAt = now;
        this.lastActive = now;
        this.state = SessionState.fresh(client);
    }

    void startHandOff() {
        handOffIn = bytesIn;
        handOffOut = bytesOut;
    }

    /** Takes the worker's byte counters for this hand-off (they count from its start) from a report. */
    void countBytes(io.pooldisk.worker.ControlMessage.Counters c) {
        bytesIn = handOffIn + c.bytesIn();
        bytesOut = handOffOut + c.bytesOut();
    }

    String client() {
        return state.client();
    }

    @Override
    public String toString() {
        return "session " + id + " (" + client() + ")";
    }
}
