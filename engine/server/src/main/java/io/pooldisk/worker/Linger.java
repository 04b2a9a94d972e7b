package io.pooldisk.worker;

import io.pooldisk.control.ControlMessage;
import io.pooldisk.control.ControlMessage.Release;
import io.pooldisk.control.ControlMessage.Stop;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.PollPair;

/**
 * How a worker waits for its client, the one place it does (docs/ARCHITECTURE.md, "A worker never waits on a client":
 * not while another session needs it). A wait is a poll on the client's socket and on the master's socketpair together,
 * for at most the linger. The master ends it early with {@link Release} when other sessions wait for a worker; a wait
 * that lasts beyond {@link #REPORT_AFTER_MILLIS} is reported, so the master knows the worker is lingering and whom to
 * release. When the linger passes or the master asks, the answer is "hand the session back": the caller parks it with
 * whatever it was in the middle of.
 *
 * <p>The linger is what keeps a worker for a client that answers within microseconds (a client that closes right
 * after its reply, or sends its next command at once) without costing anyone else a wait.
 */
final class Linger implements ClientConnection.Waiter {

    /**
     * Waits for a next command longer than this are reported to the master. Shorter ones (a client closing or
     * answering right after a reply) cost no message; until the report the master does not release the worker, so
     * another session waits at most about this long for a lingering worker.
     */
    static final int REPORT_AFTER_MILLIS = 1;
    /**
     * The same for a pause in a transfer's stream. A fast client empties (or fills) the socket buffer within a few
     * milliseconds, hundreds of times a gigabyte: reported after 1 ms, half of those pauses cost a message and showed
     * a transfer in full flow as lingering.
     */
    static final int TRANSFER_REPORT_AFTER_MILLIS = 10;

    /**
     * Tells the master that the worker now waits for its client ({@code true}), and that a reported wait is over
     * ({@code false}): sent before anything is written to the client, so that the master, should the worker die,
     * knows whether a reply or raw bytes may be half on the wire (then it must not write a line of its own).
     */
    interface Reporter {
        void waiting(boolean waiting) throws NativeException;
    }

    private final MessageSocket master;
    private final PollPair poll;
    private final long lingerMillis;
    private final Reporter reporter;
    private long sessionId;
    private int clientFd = -1;
    private boolean handBack;
    private boolean stopRequested;

    Linger(MessageSocket master, long lingerMillis, Reporter reporter) {
        this.master = master;
        this.poll = new PollPair(master.fd());
        this.lingerMillis = lingerMillis;
        this.reporter = reporter;
    }

    /** A new hand-off. {@code mayLinger}: false when sessions already wait for a worker (then it never waits). */
    void begin(long session, int client, boolean mayLinger) {
        sessionId = session;
        clientFd = client;
        handBack = !mayLinger || lingerMillis <= 0;
    }

    /** Whether the master told the worker to leave during the session (it leaves once the session is back). */
    boolean stopRequested() {
        return stopRequested;
    }

    /** Whether a wait would wait at all (false once the master asked for the session back). */
    boolean mayWait() {
        return !handBack;
    }

    @Override
    public boolean await(short events, boolean midTransfer) {
        if (handBack) {
            return false;
        }
        int reportAfter = midTransfer ? TRANSFER_REPORT_AFTER_MILLIS : REPORT_AFTER_MILLIS;
        long start = System.nanoTime();
        boolean reported = false;
        try {
            while (true) {
                long left = lingerMillis - (System.nanoTime() - start) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                int slice = (int) (reported ? left : Math.min(left, reportAfter));
                int ready = poll.await(clientFd, events, slice);
                if ((ready & PollPair.SECOND) != 0) {
                    takeMessages();
                }
                if ((ready & PollPair.FIRST) != 0) {
                    if (reported) {
                        reporter.waiting(false);
                    }
                    return true;
                }
                if (handBack) {
                    return false;
                }
                if (!reported && ready == 0) {
                    reporter.waiting(true);
                    reported = true;
                }
            }
        } catch (NativeException e) {
            throw new MasterGoneException(e);
        }
    }

    /** Reads what the master sent while the worker serves: a release of this session, or a stop. */
    private void takeMessages() throws NativeException {
        MessageSocket.Received received;
        while ((received = master.receive(true)) != null) {
            if (received.endOfStream()) {
                throw new NativeException("the master closed its end", 0);
            }
            received.closeDescriptors(); // the master sends none while a session is served
            ControlMessage m = ControlMessage.decode(received.data());
            if (m instanceof Release r) {
                handBack |= r.sessionId() == sessionId; // an older one, for a session that went back already
            } else if (m instanceof Stop) {
                stopRequested = true;
                handBack = true;
            } else {
                throw new IllegalStateException("unexpected message from master while serving: " + m);
            }
        }
    }

    /** The master's end failed while a session was served: no session can be returned; the worker leaves. */
    static final class MasterGoneException extends RuntimeException {
        final NativeException cause;

        MasterGoneException(NativeException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
