package io.pooldisk.auth;

import static io.pooldisk.auth.AccountsTest.assertCode;
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

class LoginThrottleTest {

    @TempDir
    Path data;

    private DiskStore store;
    private final ManualClock clock = new ManualClock();
    private LoginThrottle throttle;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        throttle = Accounts.of(store).throttle(3, Duration.ofSeconds(60), Duration.ofSeconds(300), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void bansAfterNFailuresWithinTheWindowAndLetsGoAfterTheBan() throws DiskException {
        String addr = "192.0.2.7";
        throttle.failed(addr);
        throttle.failed(addr);
        throttle.check(addr);
        throttle.failed(addr);
        assertThatThrownBy(() -> throttle.check(addr)).hasMessageContaining("try again in 300 s");
        throttle.check("192.0.2.8"); // per address

        clock.advance(Duration.ofSeconds(299));
        assertThatThrownBy(() -> throttle.check(addr)).hasMessageContaining("try again in 1 s");
        throttle.failed(addr); // a failure while banned does not extend or lift the ban
        clock.advance(Duration.ofSeconds(1));
        throttle.check(addr);
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() throws DiskException {
        String addr = "2001:db8::1";
        throttle.failed(addr);
        throttle.failed(addr);
        clock.advance(Duration.ofSeconds(61));
        throttle.failed(addr);
        throttle.failed(addr);
        throttle.check(addr);
        throttle.failed(addr);
        assertCode(429, () -> throttle.check(addr));
    }

    @Test
    void aSuccessClearsTheCount() throws DiskException {
        String addr = "198.51.100.1";
        throttle.failed(addr);
        throttle.failed(addr);
        throttle.succeeded(addr);
        throttle.failed(addr);
        throttle.failed(addr);
        throttle.check(addr);
    }
}
