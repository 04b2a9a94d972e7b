package io.pooldisk.worker;

import io.pooldisk.control.SessionState;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.RequestLine;

/** Runs one request line of a session and writes its reply (docs/PROTOCOL.md). */
class CommandHandler {

    /**
     * What the session does after a command: goes on, ends (QUIT), or ends because the command failed unexpectedly
     * after its reply had begun (docs/PROTOCOL.md, "A command cut short").
     */
    enum Next {
        CONTINUE,
        END_SESSION,
        FAILED
    }

    /**
     * Runs the command, answers it and counts it by verb and result ({@link WorkerTally}). Whatever the command throws
     * costs at most this session, never the worker: an expected failure is its ERR reply; an unexpected one is ERR 500
     * if the command had not begun to answer, and otherwise ends the session without another line (FAILED).
     */
    Next handle(RequestLine request, SessionContext ctx) throws BrokenConnectionException {
        int repliesBefore = ctx.replies();
        Next next = Next.CONTINUE;
        ReplyCode error = null;
        try {
            next = run(request, ctx);
        } catch (CommandException e) {
            error = e.replyCode();
            ctx.reply(e.replyLine());
        } catch (SessionState.LimitExceeded e) {
            // the master-worker contract's own check, which knows no reply codes: the command is refused as one
            error = ReplyCode.BAD_REQUEST;
            ctx.reply(new CommandException(ReplyCode.BAD_REQUEST, e.getMessage()).replyLine());
        } catch (Linger.MasterGoneException e) {
            throw e; // not the command's failure: the worker cannot go on
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // A bug, or a library failing on odd input: it costs this session, never the worker (and with it every
            // session it would serve next). What the command allocated is garbage once it has unwound.
            logInternalError(ctx.services.pid, request.command(), e);
            error = ReplyCode.SERVER_ERROR;
            if (ctx.replies() > repliesBefore) {
                next = Next.FAILED; // its reply is out, perhaps followed by raw bytes: a line now could land inside
            } else {
                ctx.reply(Reply.err(ReplyCode.SERVER_ERROR, "internal error: the command failed unexpectedly"));
            }
        }
        if (ctx.tally != null) {
            ctx.tally.command(WorkerTally.verbOf(Command.named(request.command())), error);
        }
        return next;
    }

    /**
     * The command itself, found in the {@link Command} table: ERR 400 when there is none by that name, ERR 401 for a
     * logged-in command without a login (a test's override stands in for a failing command).
     */
    Next run(RequestLine request, SessionContext ctx) throws CommandException, BrokenConnectionException {
        Command command = Command.named(request.command());
        if (command == null) {
            throw new CommandException(
                    ReplyCode.BAD_REQUEST, "unknown command '" + printable(request.command()) + "'; try HELP");
        }
        if (command.needsLogin()) {
            ctx.requireLogin();
        }
        return command.run(ctx, request.argument());
    }

    /** One line on the worker's standard error (the server's log): the error and where it came from. */
    static void logInternalError(long pid, String during, Throwable e) {
        StringBuilder where = new StringBuilder();
        StackTraceElement[] trace = e.getStackTrace();
        for (int i = 0; i < Math.min(4, trace.length); i++) {
            where.append(i == 0 ? " at " : " < ").append(trace[i]);
        }
        System.err.println("pooldisk worker " + pid + ": internal error in " + printable(during) + ": " + e + where);
    }

    /** A command word as it may be shown back or logged: at most 32 characters, control characters replaced. */
    static String printable(String word) {
        String shown = word.length() > 32 ? word.substring(0, 32) + "..." : word;
        return shown.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
