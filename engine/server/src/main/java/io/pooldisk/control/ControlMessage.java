package io.pooldisk.control;

/**
 * A message on the socketpair between the master and one worker: one SOCK_SEQPACKET datagram each.
 *
 * <p>Master to worker: {@link Serve} (with the client's descriptor attached), {@link Release}, {@link Stop}. Worker
 * to master: {@link Hello} once booted; {@link Progress} at a bounded rate while it serves, and when it starts to
 * wait for its client; then {@link Park} (session handed back, still open) or {@link Close} (session over), each with
 * the {@link Counters} not yet reported. After either it is idle. {@link Audit} when a login, transfer or removal
 * finishes: rare next to commands, so a datagram each.
 *
 * <p>Binary, because the master reads two of these for every connection it hands off: a text form with a map of
 * fields cost about a tenth of the master's time at ten thousand connections a second. The records' toString is
 * the readable form for logs and tests; {@link ControlCodec} has the layout.
 */
public sealed interface ControlMessage {

    /** Workers count a command that runs longer than this as slow (see {@link Counters#slow}). */
    long SLOW_COMMAND_MILLIS = 1000;

    /** A worker started and is ready to serve. */
    record Hello(int pid) implements ControlMessage {}

    /**
     * Serve this session; its connection's descriptor comes attached to the message, followed by the file of a
     * {@link Transfer.Sending} it is in the middle of. {@code mayLinger}: whether the worker may wait for the client
     * (up to the linger) when it has nothing to do; false when other sessions already wait for a worker.
     */
    record Serve(long sessionId, SessionState state, boolean mayLinger) implements ControlMessage {}

    /**
     * Another session needs a worker: hand this one back as soon as its client has nothing for you, without waiting
     * (ignored when it comes after the session has gone back already).
     */
    record Release(long sessionId) implements ControlMessage {}

    /** Leave: finish, close the socketpair and exit. */
    record Stop() implements ControlMessage {}

    /**
     * A busy worker's report: what it did since the last one, and the long command it is running ("" if none).
     * {@code waiting}: it has started to wait for its client (lingering), and can be asked to {@link Release} it.
     * {@code user}: who is logged in now (""), so the master can show it before the session comes back.
     */
    record Progress(long sessionId, Counters counters, String running, long runningBytes, boolean waiting, String user)
            implements ControlMessage {}

    /**
     * The session comes back to the master, still open, with its state: its client had nothing more for now, or
     * another session needed the worker. The file of a {@link Transfer.Sending} in its state comes attached.
     */
    record Park(long sessionId, Counters counters, SessionState state) implements ControlMessage {}

    /** The session is over, for {@code end}; {@code detail} says more for the log, or is "". */
    record Close(long sessionId, Counters counters, SessionEnd end, String detail) implements ControlMessage {

        /** The connection failed or the client closed it: no unread input is worth draining before the close. */
        public boolean connectionBroken() {
            return end.connectionGone();
        }
    }

    /**
     * A line for the audit log: a login, transfer or removal that finished in a worker (docs/OPERATIONS.md, "Audit
     * log"). Strings are "" and numbers -1 where they do not apply.
     *
     * @param event      "login", "upload", "download", "remove", "ban"
     * @param failure    why it failed, or "" when it succeeded
     * @param reason     why it was done (a ban's cause), or ""
     * @param user       who logged in or acted
     * @param address    the client's address
     * @param path       the file's path
     * @param bytes      bytes transferred or removed
     * @param sha256     the content's SHA-256
     * @param durationMs how long it took, or how long a ban lasts
     * @param detail     anything else worth a word
     */
    record Audit(
            String event,
            String failure,
            String reason,
            String user,
            String address,
            String path,
            long bytes,
            String sha256,
            long durationMs,
            String detail)
            implements ControlMessage {}

    /** Why a session ended: a worker's {@link Close}, or the master's own decision. Logged as its text and detail. */
    enum SessionEnd {
        QUIT("quit"),
        CLIENT_CLOSED("client closed"),
        CONNECTION_FAILED("connection failed"),
        LINE_TOO_LONG("line too long"),
        /** A command or the session's hand-off failed in a way nobody foresaw. */
        INTERNAL_ERROR("internal error"),
        /** The replies owed did not fit a hand-back. */
        REPLIES_TOO_LONG("replies too long to hand back"),
        REQUEST_LINE_TOO_SLOW("request line too slow"),
        IDLE_TIMEOUT("idle timeout"),
        TRANSFER_STALLED("transfer stalled"),
        QUEUE_FULL("queue full"),
        QUEUE_TIMEOUT("queue timeout"),
        KICKED("kicked"),
        /** The master could not keep the file of the session's transfer. */
        NO_DESCRIPTOR("no descriptor left for its file"),
        EPOLL_FAILED("epoll failed"),
        WORKER_DIED("worker died"),
        SERVER_STOPPING("server stopping"),
        SERVER_STOPPED("server stopped"),
        /** A connection from a trusted proxy did not begin with a PROXY v2 header PoolDisk accepts. */
        PROXY_HEADER_BAD("bad PROXY header"),
        PROXY_HEADER_TOO_SLOW("PROXY header too slow"),
        /** The client a PROXY header named is banned. */
        BANNED("banned");

        private final String text;

        SessionEnd(String text) {
            this.text = text;
        }

        /** Whether the client closed the connection or it failed (nothing to drain, nobody to tell). */
        public boolean connectionGone() {
            return this == CLIENT_CLOSED || this == CONNECTION_FAILED;
        }

        /** "idle timeout", or "connection failed: Connection reset by peer" with a detail. */
        public String describe(String detail) {
            return detail.isEmpty() ? text : text + ": " + detail;
        }
    }

    /**
     * What a worker did for a session since its last report.
     *
     * @param commands    commands run
     * @param slow        of those, how many took longer than {@link #SLOW_COMMAND_MILLIS}
     * @param lastCommand the name of the last command run, or ""
     * @param bytesIn     bytes read from the client since this hand-off began (a running total, not a delta)
     * @param bytesOut    bytes written to the client since this hand-off began
     * @param tally       commands by verb and result, and finished transfers, since the last report (the metrics)
     */
    record Counters(int commands, int slow, String lastCommand, long bytesIn, long bytesOut, Tally tally) {

        public Counters {
            java.util.Objects.requireNonNull(tally, "tally");
        }

        /** Counters with nothing in their {@link Tally}. */
        public Counters(int commands, int slow, String lastCommand, long bytesIn, long bytesOut) {
            this(commands, slow, lastCommand, bytesIn, bytesOut, Tally.NONE);
        }
    }

    /** This message as one datagram. */
    default byte[] encode() {
        return ControlCodec.encode(this);
    }

    /** Reads one message; anything else (truncated, unknown type, trailing bytes) is an IllegalArgumentException. */
    static ControlMessage decode(byte[] bytes) {
        return ControlCodec.decode(bytes);
    }
}
