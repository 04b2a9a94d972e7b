package io.pooldisk.worker;

import io.pooldisk.control.ControlMessage.Audit;
import io.pooldisk.control.SessionState;
import io.pooldisk.control.Transfer;
import io.pooldisk.disk.FileTree;
import io.pooldisk.disk.Uploads;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.unix.FileDescriptor;

/** One command's view of its session: the state that travels between workers, the connection, the services. */
final class SessionContext {

    /**
     * The exchange that carries a timed transfer's start from worker to worker while its session waits in the
     * master: "up 1767225600000" or "down ..." (wall-clock ms, which all the pool's processes share).
     */
    private static final String TRANSFER_SINCE = "transferSince";

    final ClientConnection conn;
    final WorkerServices services;
    final TransferReporter reporter;
    private final Auditor auditor;
    SessionState state;
    /**
     * The file of the {@link Transfer.Sending} in {@code state}: received with the session, or left by a command that
     * stopped sending; it goes back to the master with the session. Null when there is none.
     */
    FileDescriptor transferFile;

    /** Where the metrics of this worker are counted; null when nobody counts (a test's context). */
    WorkerTally tally;

    private int replies;
    /** When the upload or download being served began (wall-clock ms; it travels with the session), or 0. */
    private long transferSince;

    private boolean transferIsUpload;

    SessionContext(
            SessionState state,
            ClientConnection conn,
            WorkerServices services,
            TransferReporter reporter,
            Auditor auditor) {
        this.state = state;
        this.conn = conn;
        this.services = services;
        this.reporter = reporter;
        this.auditor = auditor;
    }

    /** ERR 401 unless the session is logged in: checked before every command of the logged-in table. */
    void requireLogin() throws CommandException {
        if (state.user().isEmpty()) {
            throw new CommandException(ReplyCode.UNAUTHORIZED, "log in first");
        }
    }

    /** The logged-in user, or ERR 401. */
    String user() throws CommandException {
        requireLogin();
        return state.user();
    }

    FileTree files() throws CommandException {
        return services.store().files(user());
    }

    Uploads uploads() throws CommandException {
        return services.store().uploads(user());
    }

    /** The path {@code input} names, resolved against the working directory. */
    String resolve(String input) throws CommandException {
        return files().resolve(state.cwd(), input);
    }

    /**
     * Ends the two-step exchange {@code name} that an earlier command began, returning its state; ERR 400 with
     * {@code outOfTurn} when none is pending. Either way the exchange is over: a second answer needs a new start.
     */
    String takeExchange(String name, String outOfTurn) throws CommandException {
        String pending = state.exchange(name);
        if (pending == null) {
            throw new CommandException(ReplyCode.BAD_REQUEST, outOfTurn);
        }
        state = state.withExchange(name, null);
        return pending;
    }

    /** The client's host, without the port: what failed logins are counted by. */
    String clientHost() {
        return SessionState.hostOf(state.client());
    }

    void reply(String line) throws BrokenConnectionException {
        replies++;
        conn.write(line);
    }

    /** Replies written in this hand-off so far: whether a command has begun to answer. */
    int replies() {
        return replies;
    }

    /** The command stops in the middle of {@code transfer}: the session goes back to the master to wait for it. */
    void suspend(Transfer transfer, FileDescriptor file) {
        state = state.withOwed(state.unsent(), transfer);
        if (transferSince != 0) {
            state = state.withExchange(TRANSFER_SINCE, (transferIsUpload ? "up " : "down ") + transferSince);
            transferSince = 0;
        }
        transferFile = file;
    }

    /** The transfer the session was in the middle of goes on now: it is no longer owed. */
    void resumed() {
        state = state.withOwed(state.unsent(), null);
        transferFile = null;
        String since = state.exchange(TRANSFER_SINCE);
        if (since != null) {
            state = state.withExchange(TRANSFER_SINCE, null);
            int space = since.indexOf(' ');
            transferIsUpload = since.startsWith("up ");
            transferSince = Long.parseLong(since.substring(space + 1));
        }
    }

    /** An upload ({@code upload}) or a download begins: its duration is counted when it finishes. */
    void transferBegins(boolean upload) {
        transferIsUpload = upload;
        transferSince = System.currentTimeMillis();
    }

    /** The upload or download begun with {@link #transferBegins} finished: its duration goes to the metrics. */
    void transferFinished() {
        if (transferSince != 0 && tally != null) {
            tally.transfer(transferIsUpload, System.currentTimeMillis() - transferSince);
        }
        transferSince = 0;
    }

    /**
     * No transfer is timed any more: called as a command begins, and before a long reply goes back to the master as a
     * transfer of its own, so that an upload that failed before its end is never counted as finished.
     */
    void stopTimingTransfer() {
        transferSince = 0;
    }

    /**
     * Tells the master, for the audit log, that {@code event} finished for this session's client: as {@code user}
     * ("" for none), successfully when {@code failure} is "". Numbers are -1 and strings "" where they do not apply.
     */
    void audit(
            String event,
            String user,
            String failure,
            String path,
            long bytes,
            String sha256,
            long durationMs,
            String detail) {
        auditor.audit(new Audit(event, failure, "", user, state.client(), path, bytes, sha256, durationMs, detail));
    }

    /** An administrative action that happened because of this session's client (the login throttle's ban). */
    void audit(Audit record) {
        auditor.audit(record);
    }

    /** Sends audit records to the master: one datagram each, only when a login, transfer or removal finishes. */
    interface Auditor {
        void audit(Audit record);
    }

    /** Reports a long command's progress to the master, at a bounded rate. */
    interface TransferReporter {
        void running(String command, long bytes);
    }
}
