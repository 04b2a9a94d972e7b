package io.pooldisk.pool;

import io.pooldisk.control.SessionState;
import io.pooldisk.unix.FileDescriptor;

/**
 * A client session, owned by the master for its whole life: the connection, the state that travels with it between
 * workers, and its counters. Parked (in epoll, waiting for its client: a whole request line, the next bytes of an
 * upload, room for replies or a download), queued (ready, waiting for a worker), or lent to a worker.
 */
final class Session {

    final long id;
    /** The client's connection, which the master closes when the session ends. */
    final FileDescriptor connection;
    /** Its number: the key of the session table and of the epoll registration, still at hand after the close. */
    final int fd;

    final long acceptedAt;
    SessionState state;
    /** Who the worker serving the session last said is logged in, or null: the state only says so after the park. */
    String userInWorker;

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
    /** The file a download sends from while the session is parked in the middle of it (Transfer.Sending), or null. */
    FileDescriptor transferFile;
    /** When the partial request line held in the state's pending bytes began to arrive, or 0 when there is none. */
    long lineSince;
    /**
     * The PROXY v2 header still being read from a trusted proxy's connection (serve --proxy-from), or null: until it
     * is complete the session is the master's alone, and its client is the proxy's address.
     */
    ProxyHeader proxyHeader;
    /** When the transfer or the replies it owes last moved a byte (or began), for the request time-out. */
    long transferMovedAt;

    Session(long id, FileDescriptor connection, String client, long now) {
        this.id = id;
        this.connection = connection;
        this.fd = connection.intValue();
        this.acceptedAt = now;
        this.lastActive = now;
        this.state = SessionState.fresh(client);
    }

    void startHandOff() {
        handOffIn = bytesIn;
        handOffOut = bytesOut;
    }

    /** Takes the worker's byte counters for this hand-off (they count from its start) from a report. */
    void countBytes(io.pooldisk.control.ControlMessage.Counters c) {
        bytesIn = handOffIn + c.bytesIn();
        bytesOut = handOffOut + c.bytesOut();
    }

    /** Whether the current hand-off moved any byte to or from the client. */
    boolean movedSinceHandOff() {
        return bytesIn > handOffIn || bytesOut > handOffOut;
    }

    /** Whether it owes the client replies, or is in the middle of a transfer: then it waits for its socket. */
    boolean midTransfer() {
        return state.unsent().length > 0 || state.transfer() != null;
    }

    String client() {
        return state.client();
    }

    /** The logged-in user, or "": as the worker serving the session last reported it, else as its state says. */
    String user() {
        return userInWorker != null ? userInWorker : state.user();
    }

    @Override
    public String toString() {
        return "session " + id + " (" + client() + ")";
    }
}
