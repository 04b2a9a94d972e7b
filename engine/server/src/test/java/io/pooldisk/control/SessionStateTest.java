package io.pooldisk.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.control.ControlMessage.Counters;
import io.pooldisk.control.ControlMessage.Park;
import io.pooldisk.control.ControlMessage.Serve;
import io.pooldisk.unix.MessageSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounds of a session's state: each checked where it is set, and all of them together fit one message. */
class SessionStateTest {

    private static final SessionState FRESH = SessionState.fresh("127.0.0.1:40000");

    @Test
    void aStateWithEveryPartAtItsBoundFitsAParkAndAServeMessage() {
        String client = "[" + "f".repeat(SessionState.MAX_CLIENT_BYTES - 8) + "]:65535";
        String path = "/" + "\u00e9".repeat((SessionState.MAX_CWD_BYTES - 1) / 2); // two bytes a character
        // a receiving transfer at its bound: a label and a path of nearly a path each, a SHA-256, its saved state
        String label = "PUT " + "p".repeat(SessionState.MAX_CWD_BYTES);
        int hashState = SessionState.MAX_TRANSFER_BYTES - 2 * SessionState.MAX_CWD_BYTES - 4 - 64 - 64;
        Transfer.Receiving transfer = new Transfer.Receiving(
                label,
                Long.MAX_VALUE,
                "q".repeat(SessionState.MAX_CWD_BYTES + 64),
                Long.MAX_VALUE,
                "a".repeat(64),
                Long.MAX_VALUE,
                new byte[hashState]);
        assertThat(SessionState.transferLength(transfer)).isEqualTo(SessionState.MAX_TRANSFER_BYTES);
        SessionState full = new SessionState(client, "", "/", new byte[0], Map.of())
                .withUser("u".repeat(SessionState.MAX_USER_BYTES))
                .withCwd(path)
                .withPending(new byte[SessionState.MAX_PENDING_BYTES])
                .withExchange("scram", "s".repeat(SessionState.MAX_EXCHANGES_BYTES / 2 - 5))
                .withExchange("prove", "p".repeat(SessionState.MAX_EXCHANGES_BYTES / 2 - 5))
                .withOwed(new byte[SessionState.MAX_UNSENT_BYTES], transfer);
        // the longest counters: a command word as the runner shows it (32 characters and "...", CommandHandlerTest)
        Counters counters =
                new Counters(Integer.MAX_VALUE, 0, "\uffff".repeat(32) + "...", Long.MAX_VALUE, Long.MAX_VALUE);
        int park = new Park(Long.MAX_VALUE, counters, full).encode().length;
        int serve = new Serve(Long.MAX_VALUE, full, true).encode().length;
        assertThat(park).isLessThanOrEqualTo(MessageSocket.MAX_MESSAGE);
        assertThat(serve).isLessThanOrEqualTo(park);
        // the master appends at most a byte to a parked partial line before it hands the session on
        assertThat(MessageSocket.MAX_MESSAGE - park).isGreaterThan(1000);
    }

    @Test
    void eachPartIsRefusedWhereItIsSetAndTheStateStaysAsItWas() {
        assertLimit(() -> FRESH.withUser("u".repeat(SessionState.MAX_USER_BYTES + 1)), "the user name");
        assertLimit(
                () -> FRESH.withCwd("/" + "\u4e2d".repeat(SessionState.MAX_CWD_BYTES / 3 + 1)),
                "the working directory");
        assertLimit(
                () -> FRESH.withExchange("scram", "s".repeat(SessionState.MAX_EXCHANGES_BYTES)),
                "the exchanges in progress");
        SessionState half = FRESH.withExchange("scram", "s".repeat(SessionState.MAX_EXCHANGES_BYTES / 2));
        assertLimit(
                () -> half.withExchange("prove", "p".repeat(SessionState.MAX_EXCHANGES_BYTES / 2)),
                "the exchanges in progress");
        assertThat(half.withExchange("scram", "short")
                        .withExchange("prove", "p".repeat(SessionState.MAX_EXCHANGES_BYTES / 2))
                        .exchanges())
                .hasSize(2); // a replaced value no longer counts
        assertLimit(() -> FRESH.withOwed(new byte[SessionState.MAX_UNSENT_BYTES + 1], null), "the replies owed");
        assertLimit(
                () -> FRESH.withOwed(
                        new byte[0], new Transfer.Sending("GET " + "x".repeat(SessionState.MAX_TRANSFER_BYTES), 0, 1)),
                "the transfer");
        assertThat(FRESH.cwd()).isEqualTo("/");
        assertThat(FRESH.exchanges()).isEmpty();
    }

    @Test
    void utf8LengthCountsAsTheEncoderDoes() {
        for (String s : new String[] {"", "abc", "é", "中文", "😀", "a\u0000\u07ff\u0800\uffff", "\ud83d\ude00"}) {
            assertThat(SessionState.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    private static void assertLimit(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String what) {
        assertThatThrownBy(call).isInstanceOf(SessionState.LimitExceeded.class).hasMessageStartingWith(what);
    }
}
