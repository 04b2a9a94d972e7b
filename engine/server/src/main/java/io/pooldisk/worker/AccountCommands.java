package io.pooldisk.worker;

import io.pooldisk.auth.LoginThrottle;
import io.pooldisk.auth.ScramServer;
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

    private AccountCommands() {}

    static void login(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        ctx.services.throttle().check(ctx.clientHost());
        ScramServer.First first = ctx.services.scram().first(decode(argument));
        ctx.state = ctx.state.withExchange(SCRAM, first.state());
        ctx.reply(Reply.ok("CHALLENGE " + encode(first.serverFirstMessage())));
    }

    static void proof(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        String exchange = ctx.takeExchange(SCRAM, "PROOF comes after LOGIN");
        LoginThrottle throttle = ctx.services.throttle();
        throttle.check(ctx.clientHost());
        ScramServer.Success success;
        try {
            success = ctx.services.scram().last(exchange, decode(argument));
        } catch (DiskException e) {
            if (e.replyCode() == ReplyCode.UNAUTHORIZED) {
                throttle.failed(ctx.clientHost());
            }
            throw e;
        }
        throttle.succeeded(ctx.clientHost());
        ctx.state = ctx.state.withUser(success.user());
        ctx.reply(Reply.ok("WELCOME " + encode(success.serverFinalMessage())));
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
