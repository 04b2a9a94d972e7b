package io.pooldisk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountsTest {

    @TempDir
    Path data;

    private DiskStore store;
    private Accounts accounts;

    @BeforeEach
    void open() throws DiskException {
        store = DiskStore.open(data);
        accounts = Accounts.of(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addsListsAndDeletesUsers() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        accounts.add("bob", "pw".toCharArray(), 0);
        accounts.add("alice", "pw".toCharArray(), 2_000_000_000L);
        store.files("alice").mkdir("/d");

        assertThat(accounts.list())
                .extracting(Accounts.UserInfo::name, Accounts.UserInfo::quotaBytes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("alice", 2_000_000_000L),
                        org.assertj.core.groups.Tuple.tuple("bob", 0L));
        assertThat(accounts.list().get(0).created()).isAfter(before);
        accounts.setQuota("bob", 42);
        assertThat(accounts.list().get(1).quotaBytes()).isEqualTo(42);

        accounts.delete("alice");
        assertThat(accounts.list()).extracting(Accounts.UserInfo::name).containsExactly("bob");
        assertCode(404, () -> store.files("alice").stat("/d"));
        assertCode(404, () -> accounts.delete("alice"));
        assertCode(404, () -> accounts.setPassword("alice", "x".toCharArray()));
        assertCode(404, () -> accounts.setQuota("alice", 1));
    }

    @Test
    void refusesTakenNamesBadNamesAndBadValues() throws Exception {
        accounts.add("bob", "pw".toCharArray(), 0);
        assertCode(409, () -> accounts.add("bob", "other".toCharArray(), 0));
        for (String bad : new String[] {"", ".hidden", "-opt", "a b", "a/b", "名字", "a,b", "n=x", "x".repeat(65)}) {
            assertCode(400, () -> accounts.add(bad, "pw".toCharArray(), 0));
        }
        assertThat(UserNames.isValid("_build.bot-2")).isTrue();
        assertThat(UserNames.isValid("x".repeat(64))).isTrue();
        assertCode(400, () -> accounts.add("carol", new char[0], 0));
        assertCode(400, () -> accounts.add("carol", "pw".toCharArray(), -1));
    }

    @Test
    void storesNoPassword() throws Exception {
        accounts.add("bob", "correct horse battery staple".toCharArray(), 0);
        store.close();
        byte[] db = Files.readAllBytes(data.resolve("pooldisk.db"));
        byte[] wal = Files.exists(data.resolve("pooldisk.db-wal"))
                ? Files.readAllBytes(data.resolve("pooldisk.db-wal"))
                : new byte[0];
        String everything = new String(db, StandardCharsets.ISO_8859_1) + new String(wal, StandardCharsets.ISO_8859_1);
        assertThat(everything).doesNotContain("correct horse");
        store = DiskStore.open(data);
        Accounts.Verifier v =
                Accounts.of(store).verifier("bob", new Credentials(new byte[1], 1, new byte[1], new byte[1]));
        assertThat(v.known()).isTrue();
        Credentials c = v.credentials();
        assertThat(c.iterations()).isGreaterThanOrEqualTo(4096);
        assertThat(c.salt()).hasSize(16);
        assertThat(c.storedKey()).hasSize(32);
        assertThat(c.serverKey()).hasSize(32);
    }

    @Test
    void anUnknownNameGetsTheFakeVerifierFromTheSameQuery() throws Exception {
        Credentials fake = new Credentials(new byte[] {1, 2}, 4096, new byte[] {3}, new byte[] {4});
        Accounts.Verifier v = accounts.verifier("nobody", fake);
        assertThat(v.known()).isFalse();
        assertThat(v.credentials()).usingRecursiveComparison().isEqualTo(fake);
    }

    @Test
    void aThrottleIsSharedByEveryProcess() throws Exception {
        try (DiskStore other = DiskStore.open(data)) {
            LoginThrottle here = accounts.throttle(2, Duration.ofMinutes(1), Duration.ofMinutes(5));
            LoginThrottle there = Accounts.of(other).throttle(2, Duration.ofMinutes(1), Duration.ofMinutes(5));
            here.failed("10.0.0.1");
            there.failed("10.0.0.1");
            assertCode(429, () -> here.check("10.0.0.1"));
            assertCode(429, () -> there.check("10.0.0.1"));
            there.check("10.0.0.2");
        }
    }

    static void assertCode(int code, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(DiskException.class)
                .satisfies(e -> assertThat(((DiskException) e).code())
                        .as(e.getMessage())
                        .isEqualTo(code));
    }
}
