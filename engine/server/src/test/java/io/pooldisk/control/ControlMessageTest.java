package io.pooldisk.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.control.ControlMessage.Audit;
import io.pooldisk.control.ControlMessage.Close;
import io.pooldisk.control.ControlMessage.Counters;
import io.pooldisk.control.ControlMessage.Hello;
import io.pooldisk.control.ControlMessage.Park;
import io.pooldisk.control.ControlMessage.Progress;
import io.pooldisk.control.ControlMessage.Release;
import io.pooldisk.control.ControlMessage.Serve;
import io.pooldisk.control.ControlMessage.SessionEnd;
import io.pooldisk.control.ControlMessage.Stop;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlMessageTest {

    private static final SessionState STATE = new SessionState(
            "[::1]:5",
            "张三",
            "/a b/\\c\nd\re 😀",
            new byte[] {'E', 'C', (byte) 0xff},
            Map.of("scram", "r=abc,s=x", "proof", ""));
    private static final Counters COUNTERS = new Counters(3, 1, "PUT", 5L << 32, 7);

    @Test
    void everyMessageSurvivesTheRoundTrip() {
        for (ControlMessage m : new ControlMessage[] {
            new Hello(4242),
            new Stop(),
            new Release(1L << 33),
            new Progress(9, COUNTERS, "GET", 1L << 40, false, ""),
            new Progress(9, COUNTERS, "", 0, true, "ann"),
            new Close(9, COUNTERS, SessionEnd.CLIENT_CLOSED, ""),
            new Close(9, COUNTERS, SessionEnd.CONNECTION_FAILED, "read: Connection reset by peer"),
            new Close(10, new Counters(0, 0, "", 0, 0), SessionEnd.QUIT, ""),
            new Audit("upload", "", "", "张三", "[::1]:5", "/a b/c.txt", 1L << 33, "ab".repeat(32), 12, "instant"),
            new Audit("login", "authentication failed", "", "", "127.0.0.1:9", "", -1, "", -1, "")
        }) {
            assertThat(ControlMessage.decode(m.encode())).isEqualTo(m);
        }
    }

    @Test
    void sessionStateCarriesNamesPendingBytesAndExchanges() {
        Serve serve = (Serve) ControlMessage.decode(new Serve(42, STATE, true).encode());
        Park park = (Park) ControlMessage.decode(new Park(43, COUNTERS, STATE).encode());
        for (SessionState back : new SessionState[] {serve.state(), park.state()}) {
            assertThat(back.client()).isEqualTo("[::1]:5");
            assertThat(back.user()).isEqualTo("张三");
            assertThat(back.cwd()).isEqualTo(STATE.cwd());
            assertThat(back.pending()).containsExactly('E', 'C', (byte) 0xff);
            assertThat(back.exchanges()).isEqualTo(STATE.exchanges());
        }
        assertThat(serve.sessionId()).isEqualTo(42);
        assertThat(serve.mayLinger()).isTrue();
        assertThat(((Serve) ControlMessage.decode(new Serve(42, STATE, false).encode())).mayLinger())
                .isFalse();
        assertThat(park.counters()).isEqualTo(COUNTERS);
        assertThat(park.state().withExchange("scram", null).exchanges()).containsOnlyKeys("proof");
    }

    @Test
    void whatASessionOwesTravelsWithIt() {
        Transfer.Receiving upload = new Transfer.Receiving(
                "PUT /a b.txt", 7, "/a b.txt", 1L << 35, "ab".repeat(32), 123_456, new byte[] {1, 2, 3});
        SessionState owing = STATE.withOwed("OK SEND 0\n".getBytes(), upload);
        SessionState back = ((Park) ControlMessage.decode(new Park(1, COUNTERS, owing).encode())).state();
        assertThat(back.unsent()).asString().isEqualTo("OK SEND 0\n");
        Transfer.Receiving r = (Transfer.Receiving) back.transfer();
        assertThat(r).usingRecursiveComparison().isEqualTo(upload);
        assertThat(back.waitsToSend()).isTrue(); // the reply goes first

        Transfer.Sending download = new Transfer.Sending("GET /x", 1L << 33, 99);
        back = ((Serve) ControlMessage.decode(new Serve(2, STATE.withOwed(new byte[0], download), false).encode()))
                .state();
        assertThat(back.transfer()).isEqualTo(download);
        assertThat(back.waitsToSend()).isTrue();
        assertThat(STATE.withOwed(new byte[0], upload).waitsToSend()).isFalse();
        assertThat(STATE.transfer()).isNull();
    }

    @Test
    void countersCarryTheTallyOfCommandsByVerbAndResultAndOfFinishedTransfers() {
        Tally tally = new Tally(
                new int[] {Tally.key(0, 0), 3, Tally.key(Tally.OTHER, 400), 1, Tally.key(2, 401), 65_536},
                new long[] {Tally.transfer(true, 1234), Tally.transfer(false, 0)});
        Counters counters = new Counters(5, 0, "GET", 10, 20, tally);
        for (ControlMessage m : new ControlMessage[] {
            new Progress(1, counters, "", 0, false, ""),
            new Park(1, counters, STATE),
            new Close(1, counters, SessionEnd.QUIT, "")
        }) {
            ControlMessage back = ControlMessage.decode(m.encode());
            Counters c = back instanceof Progress p
                    ? p.counters()
                    : back instanceof Park p ? p.counters() : ((Close) back).counters();
            assertThat(c).isEqualTo(counters);
        }
        assertThat(Tally.verbOf(tally.commands()[4])).isEqualTo(2);
        assertThat(Tally.resultOf(tally.commands()[4])).isEqualTo(401);
        assertThat(Tally.isUpload(tally.transfers()[0])).isTrue();
        assertThat(Tally.millisOf(tally.transfers()[0])).isEqualTo(1234);
        assertThat(Tally.isUpload(tally.transfers()[1])).isFalse();
        assertThat(tally.toString())
                .isEqualTo("Tally[ECHO OK=3, other 400=1, PROOF 401=65536, upload 1234 ms, " + "download 0 ms]");
        // nothing counted costs four bytes
        assertThat(new Close(1, new Counters(0, 0, "", 0, 0), SessionEnd.QUIT, "").encode().length)
                .isEqualTo(1 + 8 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 1);
        assertThat(((Close) ControlMessage.decode(
                                new Close(1, new Counters(0, 0, "", 0, 0), SessionEnd.QUIT, "").encode()))
                        .counters()
                        .tally())
                .isSameAs(Tally.NONE);
    }

    @Test
    void garbageIsRefused() {
        byte[] whole = new Serve(1, STATE, true).encode();
        assertThatThrownBy(() -> ControlMessage.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControlMessage.decode(new byte[] {99}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown");
        for (int cut = 1; cut < whole.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> ControlMessage.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 1);
        assertThatThrownBy(() -> ControlMessage.decode(longer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stray");
        byte[] close = new Close(1, COUNTERS, SessionEnd.QUIT, "x").encode();
        close[close.length - 6] = (byte) 0x7f; // the reason now claims 2 GB: refused before anything is allocated
        assertThatThrownBy(() -> ControlMessage.decode(close))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a field of 2130706433 bytes");
    }

    @Test
    void aCloseSaysWhetherTheConnectionIsGoneByItsEnd() {
        assertThat(new Close(1, COUNTERS, SessionEnd.CLIENT_CLOSED, "").connectionBroken())
                .isTrue();
        assertThat(new Close(1, COUNTERS, SessionEnd.CONNECTION_FAILED, "x").connectionBroken())
                .isTrue();
        assertThat(new Close(1, COUNTERS, SessionEnd.QUIT, "").connectionBroken())
                .isFalse();
        assertThat(SessionEnd.CONNECTION_FAILED.describe("x")).isEqualTo("connection failed: x");
        byte[] close = new Close(1, COUNTERS, SessionEnd.QUIT, "").encode();
        close[close.length - 1] = (byte) SessionEnd.values().length;
        assertThatThrownBy(() -> ControlMessage.decode(close))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown session end");
    }
}
