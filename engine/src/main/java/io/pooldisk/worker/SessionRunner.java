package io.pooldisk.worker;

import io.pooldisk.protocol.ProtocolException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.Native;
import io.pooldisk.unix.NativeException;
import io.pooldisk.worker.ControlMessage.Close;
import io.pooldisk.worker.ControlMessage.Counters;
import io.pooldisk.worker.ControlMessage.Park;
import io.pooldisk.worker.ControlMessage.Progress;

import java.nio.ByteBuffer;

/**
 * Serves one borrowed session: runs its commands while the client keeps the worker busy, and hands the session back
 * to the master after {@code linger} of quiet with no unread input (DESIGN.md §3). The answer is the message for the
 * master: PARK (still open, with its state) or CLOSE (over). While serving, it reports what it did to the master at
 * most every {@link #REPORT_INTERVAL_MILLIS}; PARK and CLOSE carry the rest.
 */
final class SessionRunner {

    static final long REPORT_INTERVAL_MILLIS = 100;
    static final long PROGRESS_INTERVAL_MILLIS = 250;
    private static final String CLIENT_CLOSED = "client closed";
    private static final String CLIENT_RESET = failed(new NativeException("read", Native.ECONNRESET));

    private final MessageSocket master;
    private final CommandHandler commands;
    private final WorkerServices services;
    private final ClientConnection conn = new ClientConnection();
    private int unreportedCommands;
    private int slowCommands;
    private String lastCommand = "";
    private long lastReport;

    SessionRunner(MessageSocket master, CommandHandler commands, WorkerServices services) {
        this.master = master;
        this.commands = commands;
        this.services = services;
    }

    ControlMessage serve(long sessionId, int fd, SessionState state) throws NativeException {
        lastReport = now();
        SessionContext ctx = new SessionContext(state, conn, services, (command, bytes) -> progress(sessionId,
                command, bytes));
        String reason;
        boolean broken = false;
        try {
            conn.open(fd, state.pending());
            reason = run(sessionId, ctx);
        } catch (BrokenConnectionException e) {
            reason = failed(e);
            broken = true;
        } catch (MasterGoneException e) {
            throw e.cause;
        } finally {
            conn.close();
        }
        if (reason == null) {
            return new Park(sessionId, counters(), ctx.state.withPending(conn.pending()));
        }
        return new Close(sessionId, counters(), reason, broken || reason.equals(CLIENT_CLOSED)
                || reason.equals(CLIENT_RESET));
    }

    private static String failed(Exception e) {
        return "connection failed: " + e.getMessage();
    }

    /** Runs commands until the session goes quiet (returns null) or ends (returns why). */
    private String run(long sessionId, SessionContext ctx) throws NativeException, BrokenConnectionException {
        while (true) {
            ByteBuffer line = conn.nextLine();
            if (line != null && line.remaining() > RequestLine.MAX_BYTES || line == null && conn.lineTooLong()) {
                conn.write(Reply.err(Reply.LINE_TOO_LONG, "request line longer than " + RequestLine.MAX_BYTES
                        + " bytes"));
                return "line too long";
            }
            if (line != null) {
                if (execute(line, ctx) == CommandHandler.Next.END_SESSION) {
                    return "quit";
                }
                reportIfDue(sessionId);
                continue;
            }
            switch (conn.fill()) {
                case QUIET -> {
                    return null;
                }
                case END_OF_STREAM -> {
                    return CLIENT_CLOSED;
                }
                case RESET -> {
                    return CLIENT_RESET;
                }
                default -> {
                    // more input: loop to split it into lines
                }
            }
        }
    }

    private CommandHandler.Next execute(ByteBuffer line, SessionContext ctx) throws BrokenConnectionException {
        unreportedCommands++;
        RequestLine request;
        try {
            request = RequestLine.parse(line);
        } catch (ProtocolException e) {
            lastCommand = "(bad request)";
            conn.write(e.replyLine());
            return CommandHandler.Next.CONTINUE;
        }
        lastCommand = request.command();
        long started = now();
        CommandHandler.Next next = commands.handle(request, ctx);
        if (now() - started > ControlMessage.SLOW_COMMAND_MILLIS) {
            slowCommands++;
        }
        return next;
    }

    /** A client sending command after command keeps this worker: the master still hears how it goes. */
    private void reportIfDue(long sessionId) throws NativeException {
        if (now() - lastReport >= REPORT_INTERVAL_MILLIS) {
            master.send(new Progress(sessionId, counters(), "", 0).encode(), -1);
        }
    }

    /** A long command's progress, reported at most every {@link #PROGRESS_INTERVAL_MILLIS}. */
    private void progress(long sessionId, String command, long bytes) throws BrokenConnectionException {
        if (now() - lastReport < PROGRESS_INTERVAL_MILLIS) {
            return;
        }
        try {
            master.send(new Progress(sessionId, counters(), command, bytes).encode(), -1);
        } catch (NativeException e) {
            throw new MasterGoneException(e);
        }
    }

    /** The master's end failed while a command ran: no session can be returned; the worker leaves. */
    private static final class MasterGoneException extends RuntimeException {
        final NativeException cause;

        MasterGoneException(NativeException cause) {
            super(cause);
            this.cause = cause;
        }
    }

    /** The counters since the last report, which this report now carries: they start again from zero. */
    private Counters counters() {
        Counters c = new Counters(unreportedCommands, slowCommands, lastCommand, conn.bytesIn(), conn.bytesOut());
        unreportedCommands = 0;
        slowCommands = 0;
        lastReport = now();
        return c;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }
}
