package io.pooldisk.auth;

import io.pooldisk.disk.Database;
import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ReplyCode;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Refuses a client address for {@code banFor} after {@code maxFailures} failed logins within {@code window}. The
 * counts live in the database: a client cannot escape them by landing on another worker process.
 */
public final class LoginThrottle {

    private final Database db;
    private final int maxFailures;
    private final Duration window;
    private final Duration banFor;
    private final Clock clock;

    LoginThrottle(Database db, int maxFailures, Duration window, Duration banFor, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, not " + maxFailures);
        }
        this.db = db;
        this.maxFailures = maxFailures;
        this.window = window;
        this.banFor = banFor;
        this.clock = clock;
    }

    /** 429, with the seconds left, while the address is banned. */
    public void check(String address) throws DiskException {
        long now = clock.millis();
        Optional<Long> until = db.read(tx ->
                tx.one("SELECT banned_until FROM login_failures WHERE address = ?", rs -> rs.getLong(1), address));
        if (until.isPresent() && until.get() > now) {
            long seconds = (until.get() - now + 999) / 1000;
            throw new DiskException(
                    ReplyCode.TOO_MANY_REQUESTS,
                    "too many failed logins from " + address + ": try again in " + seconds + " s");
        }
    }

    /** Counts a failed login; true when it was one too many and the address is banned from now on. */
    public boolean failed(String address) {
        long now = clock.millis();
        try {
            return db.write(tx -> {
                tx.update(
                        "DELETE FROM login_failures WHERE since < ? AND banned_until < ?",
                        now - window.toMillis(),
                        now);
                Optional<Record> row = tx.one(
                        "SELECT failures, banned_until FROM login_failures WHERE address = ?",
                        rs -> new Record(rs.getInt(1), rs.getLong(2)),
                        address);
                if (row.isEmpty()) {
                    tx.update(
                            "INSERT INTO login_failures (address, failures, since, banned_until) "
                                    + "VALUES (?, 0, ?, 0)",
                            address,
                            now);
                } else if (row.get().bannedUntil() > now) {
                    return false; // banned already: the ban runs its course
                }
                int failures = row.map(Record::failures).orElse(0) + 1;
                if (failures >= maxFailures) {
                    tx.update(
                            "UPDATE login_failures SET failures = 0, since = ?, banned_until = ? WHERE address = ?",
                            now,
                            now + banFor.toMillis(),
                            address);
                    return true;
                }
                tx.update("UPDATE login_failures SET failures = ? WHERE address = ?", failures, address);
                return false;
            });
        } catch (DiskException e) {
            // not counted: the next check meets the same storage failure and refuses the login
            return false;
        }
    }

    private record Record(int failures, long bannedUntil) {}

    public void succeeded(String address) {
        try {
            db.write(tx -> tx.update("DELETE FROM login_failures WHERE address = ?", address));
        } catch (DiskException e) {
            // the failures expire with their window
        }
    }
}
