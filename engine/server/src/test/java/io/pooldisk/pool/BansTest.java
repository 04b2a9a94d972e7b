package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.AddressRange;
import io.pooldisk.auth.Ban;
import io.pooldisk.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The master's ban matcher and its repeated warnings, on times the test gives: no server, no sleeps. */
class BansTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock();

    private static Ban ban(String network, Duration length) {
        return new Ban(
                AddressRange.parse(network), "", NOW, length == null ? null : NOW.plus(length), Ban.Source.MANUAL);
    }

    @Test
    void aBanRefusesThePeersOfItsNetworkUntilItRunsOut() {
        Bans bans = Bans.of(List.of(ban("10.0.0.0/8", Duration.ofMinutes(1)), ban("2001:db8::/32", null)));
        long now = NOW.toEpochMilli();
        assertThat(bans.refusedUntil("10.0.0.7:5000", now)).isEqualTo(now + 60_000);
        assertThat(bans.refusedUntil("10.0.0.7", now)).as("a bare address too").isEqualTo(now + 60_000);
        assertThat(bans.refusedUntil("11.0.0.7:5000", now)).isEqualTo(-1);
        assertThat(bans.refusedUntil("[2001:db8::5]:443", now)).isEqualTo(Long.MAX_VALUE);
        assertThat(bans.refusedUntil("[2001:db9::5]:443", now)).isEqualTo(-1);
        assertThat(bans.refusedUntil("10.0.0.7:5000", now + 59_999)).isPositive();
        assertThat(bans.refusedUntil("10.0.0.7:5000", now + 60_000)).isEqualTo(-1);
        assertThat(bans.refusedUntil("[2001:db8::5]:443", now + 60_000))
                .as("permanent")
                .isPositive();
        assertThat(bans.refusedUntil("?", now)).isEqualTo(-1);
    }

    @Test
    void theLongestOfOverlappingBansIsTheOneTheClientHears() {
        Bans bans = Bans.of(List.of(ban("10.0.0.0/8", Duration.ofMinutes(1)), ban("10.1.0.0/16", Duration.ofHours(1))));
        long now = NOW.toEpochMilli();
        assertThat(bans.refusedUntil("10.1.2.3:1", now)).isEqualTo(now + 3_600_000);
        assertThat(Bans.refusal(now + 3_600_000))
                .isEqualTo("your address is banned from this server until " + "2026-01-01T01:00:00Z");
        assertThat(Bans.refusal(Long.MAX_VALUE)).isEqualTo("your address is banned from this server");
    }

    @Test
    void noBansIsEmpty() {
        assertThat(Bans.of(List.of()).isEmpty()).isTrue();
        assertThat(Bans.NONE.refusedUntil("10.0.0.1:1", 0)).isEqualTo(-1);
    }

    @Test
    void aRepeatedWarningIsSaidOncePerIntervalWithHowOftenItRecurred() {
        RepeatedWarning warning = new RepeatedWarning(10_000);
        List<String> said = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            warning.occurred(clock.millis(), "accept failed", said::add);
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(said).containsExactly("accept failed");
        clock.advance(Duration.ofMillis(9_000));
        warning.occurred(clock.millis(), "accept failed", said::add);
        assertThat(said).containsExactly("accept failed", "accept failed (and 999 more like it in the last 10 s)");
    }
}
