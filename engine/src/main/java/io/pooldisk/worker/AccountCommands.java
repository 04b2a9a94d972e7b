package io.pooldisk.worker;

import io.pooldisk.auth.LoginThrottle;
import io.pooldisk.auth.ScramServer;
import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ProtocolException;
import io.pooldisk.protocol.Reply;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * LOGIN and PROOF (SCRAM-SHA-256, two commands that may run in different workers: the exchange's state travels with
 * the session) and WHOAMI.
 */
final class AccountCommands {

    private static final String SCRAM = "scram";

    private AccountCommands() {
    }

    static void login(SessionContext ctx, String argument) throws DiskException, ProtocolException,
            BrokenConnectionException {
        ctx.services.throttle().check(ctx.clientHost());
        ScramServer.First first = ctx.services.scram().first(decode(argument));
        ctx.state = ctx.state.withExchange(SCRAM, first.state());
        ctx.reply(Reply.ok("CHALLENGE " + encode(first.serverFirstMessage())));
    }

    static void proof(SessionContext ctx, String argument) throws DiskException, ProtocolException,
            BrokenConnectionException {
        String exchange = ctx.takeExchange(SCRAM, "PROOF comes after LOGIN");
        LoginThrottle throttle = ctx.services.throttle();
        throttle.check(ctx.clientHost());
        ScramServer.Success success;
        try {
            success = ctx.services.scram().last(exchange, decode(argument));
        } catch (DiskException e) {
            if (e.code() == DiskException.UNAUTHORIZED) {
                throttle.failed(ctx.clientHost());
            }
            throw e;
        }
        throttle.succeeded(ctx.clientHost());
        ctx.state = ctx.state.withUser(success.user());
        ctx.reply(Reply.ok("WELCOME " + encode(success.serverFinalMessage())));
    }

    static void whoami(SessionContext ctx) throws DiskException, BrokenConnectionException {
        ctx.reply(Reply.ok(ctx.user()));
    }

    private static String decode(String base64) throws ProtocolException {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Reply.BAD_REQUEST, "expected a base64 SCRAM message");
        }
    }

    private static String encode(String message) {
        return Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8));
    }
}
