package io.pooldisk.worker;

import io.pooldisk.auth.LoginThrottle;
import io.pooldisk.auth.ScramServer;
import io.pooldisk.control.ControlMessage;
import io.pooldisk.control.WorkerOptions;
import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * LOGIN and PROOF (SCRAM-SHA-256, two commands that may run in different workers: the exchange's state travels with
 * the session) and WHOAMI.
 */
final class AccountCommands {

    private static final String SCRAM = "scram";
    private static final String AUDIT_LOGIN = "login";

    private AccountCommands() {}

    static void login(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        ScramServer.First first;
        try {
            ctx.services.throttle().check(ctx.clientHost());
            first = ctx.services.scram().first(decode(argument));
        } catch (CommandException e) {
            auditFailure(ctx, userIn(argument), e.getMessage()); // refused before it began: throttled, malformed
            throw e;
        }
        ctx.state = ctx.state.withExchange(SCRAM, first.state());
        ctx.reply(Reply.ok("CHALLENGE " + encode(first.serverFirstMessage())));
    }

    static void proof(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        String exchange = ctx.takeExchange(SCRAM, "PROOF comes after LOGIN");
        String user = ScramServer.userOfExchange(exchange);
        LoginThrottle throttle;
        ScramServer.Success success;
        try {
            throttle = ctx.services.throttle();
            throttle.check(ctx.clientHost());
            success = ctx.services.scram().last(exchange, decode(argument));
        } catch (CommandException e) {
            if (e.replyCode() == ReplyCode.UNAUTHORIZED) { // only the proof itself is refused so
                auditFailure(ctx, user, whyRefused(ctx, user));
                if (ctx.services.throttle().failed(ctx.clientHost())) {
                    auditBan(ctx);
                }
            } else {
                auditFailure(ctx, user, e.getMessage());
            }
            throw e;
        }
        throttle.succeeded(ctx.clientHost());
        ctx.state = ctx.state.withUser(success.user());
        ctx.audit(AUDIT_LOGIN, success.user(), "", "", -1, "", -1, "");
        ctx.reply(Reply.ok("WELCOME " + encode(success.serverFinalMessage())));
    }

    private static void auditFailure(SessionContext ctx, String user, String why) {
        ctx.audit(AUDIT_LOGIN, user, why, "", -1, "", -1, "");
    }

    /** What the audit log says of a refused proof: the client only hears "authentication failed" for both. */
    private static String whyRefused(SessionContext ctx, String user) {
        try {
            return ctx.services.scram().knows(user) ? "wrong password" : "unknown user";
        } catch (DiskException e) {
            return "authentication failed";
        }
    }

    /** The login throttle has just banned the client's address (today's automatic ban, in the database). */
    private static void auditBan(SessionContext ctx) {
        WorkerOptions o = ctx.services.options;
        ctx.audit(new ControlMessage.Audit(
                "ban",
                "",
                o.loginMaxFailures() + " failed logins within "
                        + o.loginWindow().toSeconds() + " s",
                "",
                ctx.clientHost(),
                "",
                -1,
                "",
                o.loginBan().toMillis(),
                ""));
    }

    /** The user a LOGIN's argument names, for the audit log, or "". */
    private static String userIn(String argument) {
        try {
            return ScramServer.userIn(decode(argument));
        } catch (CommandException e) {
            return "";
        }
    }

    static void whoami(SessionContext ctx) throws CommandException, BrokenConnectionException {
        ctx.reply(Reply.ok(ctx.user()));
    }

    /** A SCRAM message off the line: base64 of UTF-8 (RFC 5802), refused rather than repaired when it is not. */
    private static String decode(String base64) throws CommandException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "expected a base64 SCRAM message");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString(); // reports errors
        } catch (CharacterCodingException e) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "a SCRAM message is UTF-8");
        }
    }

    private static String encode(String message) {
        return Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));
    }
}
