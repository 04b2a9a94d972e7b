package io.pooldisk.worker;

import io.pooldisk.control.ControlMessage;
import io.pooldisk.control.ControlMessage.Audit;
import io.pooldisk.control.ControlMessage.Close;
import io.pooldisk.control.ControlMessage.Counters;
import io.pooldisk.control.ControlMessage.Park;
import io.pooldisk.control.ControlMessage.Progress;
import io.pooldisk.control.ControlMessage.Serve;
import io.pooldisk.control.ControlMessage.SessionEnd;
import io.pooldisk.control.SessionState;
import io.pooldisk.control.Tally;
import io.pooldisk.control.Transfer;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.DescriptorIo;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import java.nio.ByteBuffer;

/**
 * Serves one borrowed session: sends the replies it still owes, goes on with the transfer it was in the middle of,
 * then runs its commands while its client keeps the worker busy. When the client has nothing for it, the worker waits
 * only as the {@link Linger} allows, then hands the session back to the master with what is left (replies, the
 * transfer, a partial line). The answer to the master is PARK (still open, with its state) or CLOSE (over). While
 * serving, the worker reports what it did at most every {@link #REPORT_INTERVAL_MILLIS}; PARK and CLOSE carry the rest.
 */
final class SessionRunner {

    static final long REPORT_INTERVAL_MILLIS = 100;
    static final long PROGRESS_INTERVAL_MILLIS = 250;
    private static final Ending CLIENT_CLOSED = new Ending(SessionEnd.CLIENT_CLOSED, "");
    private static final Ending CLIENT_RESET = failed(new NativeException("read", Errors.ECONNRESET));

    private final MessageSocket master;
    private final CommandHandler commands;
    private final WorkerServices services;
    private final ClientConnection conn = new ClientConnection();
    private final Linger linger;
    private final WorkerTally tally = new WorkerTally();
    private long sessionId;
    private String running = "";
    private long runningBytes;
    private int unreportedCommands;
    private int slowCommands;
    private String lastCommand = "";
    private long lastReport;
    /** The session being served, or the one served last. */
    private SessionContext current;

    SessionRunner(MessageSocket master, CommandHandler commands, WorkerServices services) {
        this.master = master;
        this.commands = commands;
        this.services = services;
        this.linger = new Linger(
                master,
                services.options.linger().toMillis(),
                waiting -> master.send(
                        new Progress(sessionId, counters(), running, runningBytes, waiting, user()).encode()));
    }

    /**
     * Serves one hand-off of session {@code serve.sessionId()} on the client descriptor {@code fd} (and the file of
     * the transfer it is sending, or null), and tells the master how it ended; both descriptors are closed by then.
     * Returns true when the master asked this worker to leave meanwhile.
     */
    boolean serve(Serve serve, FileDescriptor fd, FileDescriptor transferFile) throws NativeException {
        sessionId = serve.sessionId();
        lastReport = now();
        running = "";
        runningBytes = 0;
        linger.begin(sessionId, fd.intValue(), serve.mayLinger());
        SessionContext ctx = new SessionContext(serve.state(), conn, services, this::progress, this::audit);
        ctx.tally = tally;
        current = ctx;
        ctx.transferFile = transferFile;
        Ending ending;
        byte[] parked = null;
        Counters counters;
        try {
            conn.open(fd, serve.state().pending(), linger);
            ending = run(ctx);
            if (ending == null) {
                ending = park(ctx);
            }
            counters = counters();
            if (ending == null) {
                parked = new Park(sessionId, counters, ctx.state).encode();
                if (parked.length > MessageSocket.MAX_MESSAGE) {
                    // The bounds of SessionState keep this from happening; if one was missed, this session ends.
                    ending = internalError(
                            "hand-off",
                            new IllegalStateException("session state of " + parked.length
                                    + " bytes does not fit a message of " + MessageSocket.MAX_MESSAGE));
                    if (ctx.state.transfer() == null && ctx.state.unsent().length == 0) {
                        answerFailure(); // nothing is owed: the client is between replies
                    }
                }
            }
        } catch (BrokenConnectionException e) {
            ending = failed(e);
            counters = counters();
        } catch (Linger.MasterGoneException e) {
            throw e.cause;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // Outside a command: resuming a transfer, whose raw bytes no reply line may interrupt.
            ending = internalError(lastCommand.isEmpty() ? "session" : lastCommand, e);
            counters = counters();
        } finally {
            conn.close();
        }
        try {
            if (ending == null) {
                master.send(parked, ctx.transferFile);
            } else {
                master.send(new Close(sessionId, counters, ending.end(), abbreviated(ending.detail())).encode());
            }
        } finally {
            FileDescriptor.closeIfAny(ctx.transferFile); // the master has its own copy now
        }
        return linger.stopRequested();
    }

    /** Why a session ends, and what the log says about it besides ("" for nothing). */
    private record Ending(SessionEnd end, String detail) {}

    private static Ending failed(Exception e) {
        return new Ending(SessionEnd.CONNECTION_FAILED, String.valueOf(e.getMessage()));
    }

    /** Something failed outside any command (resuming a transfer, handing the session back): the session ends. */
    private Ending internalError(String during, Throwable e) {
        CommandHandler.logInternalError(services.pid, during, e);
        return new Ending(SessionEnd.INTERNAL_ERROR, e.toString());
    }

    private void answerFailure() {
        try {
            conn.write(Reply.err(ReplyCode.SERVER_ERROR, "internal error: the session cannot be handed on, and ends"));
        } catch (BrokenConnectionException ignored) {
            // the session ends either way
        }
    }

    /** A detail as the master logs it: a failure's message may quote the client's input at length. */
    private static String abbreviated(String detail) {
        return detail.length() <= 200 ? detail : detail.substring(0, 200) + "...";
    }

    /**
     * Sends what the session owes, goes on with its transfer, then runs commands until the session should go back
     * (returns null) or ends (returns why).
     */
    private Ending run(SessionContext ctx) throws NativeException, BrokenConnectionException {
        if (ctx.state.unsent().length > 0) {
            conn.write(ctx.state.unsent());
            ctx.state = ctx.state.withOwed(new byte[0], ctx.state.transfer());
        }
        if (ctx.state.transfer() != null) {
            running = ctx.state.transfer().label();
            TransferCommands.resume(ctx);
            if (ctx.state.transfer() != null) {
                return null; // stopped again
            }
        }
        boolean justRan = false;
        while (true) {
            if (!conn.flush()) {
                return null;
            }
            ByteBuffer line = conn.nextLine();
            if (line != null && line.remaining() > RequestLine.MAX_BYTES || line == null && conn.lineTooLong()) {
                tally.command(Tally.OTHER, ReplyCode.LINE_TOO_LONG);
                conn.write(Reply.err(
                        ReplyCode.LINE_TOO_LONG, "request line longer than " + RequestLine.MAX_BYTES + " bytes"));
                conn.flush();
                return new Ending(SessionEnd.LINE_TOO_LONG, "");
            }
            if (line != null) {
                CommandHandler.Next next = execute(line, ctx);
                if (next != CommandHandler.Next.CONTINUE) {
                    conn.flush();
                    return next == CommandHandler.Next.END_SESSION
                            ? new Ending(SessionEnd.QUIT, "")
                            : new Ending(SessionEnd.INTERNAL_ERROR, "in " + lastCommand);
                }
                if (ctx.state.transfer() != null) {
                    return null; // the command stopped in the middle of a transfer
                }
                running = "";
                runningBytes = 0;
                reportIfDue();
                justRan = true;
                continue;
            }
            // Right after a command the client rarely has its next input out yet: look with a poll first, which
            // also sees a client closing, rather than with a read that would find nothing.
            if (justRan && linger.mayWait()) {
                justRan = false;
                if (!conn.awaitInput()) {
                    return null;
                }
            }
            switch (conn.fill()) {
                case EMPTY -> {
                    if (!conn.awaitInput()) {
                        return null;
                    }
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

    /**
     * Puts what is left into the session's state for the master: the input read ahead, the replies owed (in a file
     * when they are long) and the transfer. Returns null, or why the session must end instead.
     */
    private Ending park(SessionContext ctx) {
        byte[] owed = conn.takeUnsent();
        if (owed.length > SessionState.MAX_UNSENT_BYTES) {
            if (ctx.state.transfer() != null) {
                // no command writes so much before one
                return new Ending(SessionEnd.REPLIES_TOO_LONG, "during a transfer");
            }
            FileDescriptor file = null;
            try {
                file = FileDescriptor.memfd("pooldisk-replies");
                DescriptorIo.writeAll(file.intValue(), owed);
            } catch (NativeException e) {
                FileDescriptor.closeIfAny(file);
                return new Ending(SessionEnd.REPLIES_TOO_LONG, "no file for them: " + e.getMessage());
            }
            ctx.stopTimingTransfer();
            ctx.suspend(new Transfer.Sending(lastCommand, 0, owed.length), file);
            owed = new byte[0];
        }
        ctx.state = ctx.state.withPending(conn.pending()).withOwed(owed, ctx.state.transfer());
        return null;
    }

    private CommandHandler.Next execute(ByteBuffer line, SessionContext ctx) throws BrokenConnectionException {
        unreportedCommands++;
        RequestLine request;
        try {
            request = RequestLine.parse(line);
        } catch (CommandException e) {
            lastCommand = "(bad request)";
            tally.command(Tally.OTHER, e.replyCode());
            conn.write(e.replyLine());
            return CommandHandler.Next.CONTINUE;
        }
        lastCommand = CommandHandler.printable(request.command()); // reported to the master: bounded
        running = lastCommand;
        ctx.stopTimingTransfer();
        long started = now();
        CommandHandler.Next next = commands.handle(request, ctx);
        if (now() - started > ControlMessage.SLOW_COMMAND_MILLIS) {
            slowCommands++;
        }
        return next;
    }

    /** A client sending command after command keeps this worker: the master still hears how it goes. */
    private void reportIfDue() throws NativeException {
        if (now() - lastReport >= REPORT_INTERVAL_MILLIS) {
            master.send(new Progress(sessionId, counters(), "", 0, false, user()).encode());
        }
    }

    /** Who the session being served is logged in as, or "". */
    private String user() {
        return current == null ? "" : current.state.user();
    }

    /** A long command's progress, reported at most every {@link #PROGRESS_INTERVAL_MILLIS}. */
    private void progress(String command, long bytes) {
        running = command;
        runningBytes = bytes;
        if (now() - lastReport < PROGRESS_INTERVAL_MILLIS) {
            return;
        }
        try {
            master.send(new Progress(sessionId, counters(), command, bytes, false, user()).encode());
        } catch (NativeException e) {
            throw new Linger.MasterGoneException(e);
        }
    }

    /** An audit record for the master: sent as it comes, as they are rare (a login, a transfer, a removal). */
    private void audit(Audit record) {
        try {
            master.send(record.encode());
        } catch (NativeException e) {
            throw new Linger.MasterGoneException(e);
        }
    }

    /** The counters since the last report, which this report now carries: they start again from zero. */
    private Counters counters() {
        Counters c = new Counters(
                unreportedCommands, slowCommands, lastCommand, conn.bytesIn(), conn.bytesOut(), tally.take());
        unreportedCommands = 0;
        slowCommands = 0;
        lastReport = now();
        return c;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }
}
