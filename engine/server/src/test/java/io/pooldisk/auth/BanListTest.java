package io.pooldisk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored ban list: manual and automatic bans in one list, expiry, and lifting both kinds. */
class BanListTest {

    @TempDir
    Path data;

    private DiskStore store;
    private final ManualClock clock = new ManualClock();
    private BanList bans;
    private LoginThrottle throttle;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        bans = BanList.of(store, clock);
        throttle = Accounts.of(store).throttle(2, Duration.ofSeconds(60), Duration.ofMinutes(5), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aBanIsListedUntilItRunsOutAndAPermanentOneStays() throws DiskException {
        bans.add(AddressRange.parse("10.1.2.3/8"), Duration.ofHours(2), "scanning\nports");
        bans.add(AddressRange.parse("2001:db8::/32"), null, "");
        assertThat(bans.list())
                .extracting(b -> b.range().toString(), Ban::reason, Ban::permanent, Ban::source)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("10.0.0.0/8", "scanning ports", false, Ban.Source.MANUAL),
                        org.assertj.core.groups.Tuple.tuple("2001:db8::/32", "", true, Ban.Source.MANUAL));

        clock.advance(Duration.ofHours(2));
        assertThat(bans.manual()).extracting(b -> b.range().toString()).containsExactly("2001:db8::/32");
    }

    @Test
    void aLaterBanOnTheSameNetworkReplacesTheEarlierOne() throws DiskException {
        bans.add(AddressRange.parse("10.0.0.0/8"), null, "first");
        bans.add(AddressRange.parse("10.9.9.9/8"), Duration.ofMinutes(10), "second");
        assertThat(bans.list()).singleElement().satisfies(b -> {
            assertThat(b.reason()).isEqualTo("second");
            assertThat(b.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        });
        assertThatThrownBy(() -> bans.add(AddressRange.parse("10.0.0.1"), Duration.ZERO, ""))
                .hasMessageContaining("longer than 0 s");
    }

    @Test
    void theThrottlesBanIsListedAndLiftingItAllowsTheNextLogin() throws DiskException {
        throttle.failed("::1");
        throttle.failed("::1");
        assertThatThrownBy(() -> throttle.check("::1")).hasMessageContaining("too many failed logins");
        throttle.failed("192.0.2.9"); // one failure: not banned, not listed

        assertThat(bans.list()).singleElement().satisfies(b -> {
            assertThat(b.range()).hasToString("::1");
            assertThat(b.source()).isEqualTo(Ban.Source.AUTOMATIC);
            assertThat(b.reason()).isEqualTo("too many failed logins");
            assertThat(b.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        });

        assertThat(bans.remove(AddressRange.parse("0:0:0:0:0:0:0:1"))).isTrue();
        throttle.check("::1");
        assertThat(bans.list()).isEmpty();
        throttle.failed("::1");
        throttle.check("::1"); // the count began again from nothing
        assertThat(bans.remove(AddressRange.parse("::1")))
                .as("failures alone are no ban")
                .isFalse();
        assertThat(bans.remove(AddressRange.parse("10.0.0.0/8"))).isFalse();
    }
}
