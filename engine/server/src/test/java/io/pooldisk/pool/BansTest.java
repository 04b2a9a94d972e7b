package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The master's bans and its repeated warnings, on a clock the test moves: no server, no sleeps. */
class BansTest {

    private final ManualClock clock = new ManualClock();
    private final Bans bans = new Bans(clock::millis);

    @Test
    void aBanRefusesItsHostUntilItRunsOut() {
        bans.ban("10.0.0.7", 60_000);
        assertThat(bans.refuses("10.0.0.7")).isTrue();
        assertThat(bans.refuses("10.0.0.8")).isFalse();
        clock.advance(Duration.ofMillis(59_999));
        assertThat(bans.refuses("10.0.0.7")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(bans.refuses("10.0.0.7")).isFalse();
    }

    @Test
    void aLaterBanReplacesAnEarlierOne() {
        bans.ban("::1", 60_000);
        bans.ban("::1", 1_000);
        clock.advance(Duration.ofSeconds(1));
        assertThat(bans.refuses("::1")).isFalse();
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
