package io.pooldisk.auth;

import io.pooldisk.disk.Database;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.protocol.ReplyCode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The users of a data directory: their credentials (never a password) and quotas. */
public final class Accounts {

    private final Database db;
    private final SecureRandom random = new SecureRandom();

    private Accounts(Database db) {
        this.db = db;
    }

    /** The users of the data directory that {@code store} has open. */
    public static Accounts of(DiskStore store) {
        return new Accounts(store.database());
    }

    public record UserInfo(String name, long quotaBytes, long usedBytes, Instant created) {}

    /** Adds a user; a quota of 0 is unlimited. 409 when the name is taken. */
    public void add(String user, char[] password, long quotaBytes) throws DiskException {
        UserNames.check(user);
        checkQuota(quotaBytes);
        Credentials c = newCredentials(password);
        long now = Instant.now().toEpochMilli();
        int added = db.write(tx -> tx.update(
                "INSERT INTO users (name, salt, iterations, stored_key, server_key, "
                        + "quota, created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                user,
                c.salt(),
                c.iterations(),
                c.storedKey(),
                c.serverKey(),
                quotaBytes,
                now));
        if (added == 0) {
            throw new DiskException(ReplyCode.CONFLICT, "user " + user + " exists");
        }
    }

    public void setPassword(String user, char[] password) throws DiskException {
        Credentials c = newCredentials(password);
        updateUser(
                user,
                "UPDATE users SET salt = ?, iterations = ?, stored_key = ?, server_key = ? WHERE name = ?",
                c.salt(),
                c.iterations(),
                c.storedKey(),
                c.serverKey(),
                user);
    }

    public void setQuota(String user, long quotaBytes) throws DiskException {
        checkQuota(quotaBytes);
        updateUser(user, "UPDATE users SET quota = ? WHERE name = ?", quotaBytes, user);
    }

    /** Deletes a user with their namespace and uploads; the blobs and part files are left to garbage collection. */
    public void delete(String user) throws DiskException {
        updateUser(user, "DELETE FROM users WHERE name = ?", user);
    }

    public List<UserInfo> list() throws DiskException {
        return db.read(tx -> tx.list(
                "SELECT name, quota, created, (SELECT COALESCE(SUM(size), 0) FROM entries "
                        + "WHERE owner = users.name AND is_dir = 0) FROM users ORDER BY name",
                rs -> new UserInfo(
                        rs.getString(1), rs.getLong(2), rs.getLong(4), Instant.ofEpochMilli(rs.getLong(3)))));
    }

    /** Failed logins per client address, counted in the database so every worker process sees them. */
    public LoginThrottle throttle(int maxFailures, Duration window, Duration banFor) {
        return throttle(maxFailures, window, banFor, Clock.systemUTC());
    }

    LoginThrottle throttle(int maxFailures, Duration window, Duration banFor, Clock clock) {
        return new LoginThrottle(db, maxFailures, window, banFor, clock);
    }

    /** What SCRAM checks a login against: the user's credentials, or a fake verifier; {@code known}: the real ones. */
    record Verifier(Credentials credentials, boolean known) {}

    /**
     * The user's credentials, or {@code fake} for a name without any. One query that returns one row, whose columns
     * are read the same way either way: the lookup takes as long for an unknown name as for a known one.
     */
    Verifier verifier(String user, Credentials fake) throws DiskException {
        return db.read(tx -> tx.one(
                        "SELECT COALESCE(u.salt, ?), COALESCE(u.iterations, ?), COALESCE(u.stored_key, ?), "
                                + "COALESCE(u.server_key, ?), u.name IS NOT NULL FROM (SELECT ? AS name) AS q "
                                + "LEFT JOIN users AS u ON u.name = q.name",
                        rs -> new Verifier(
                                new Credentials(rs.getBytes(1), rs.getInt(2), rs.getBytes(3), rs.getBytes(4)),
                                rs.getBoolean(5)),
                        fake.salt(),
                        fake.iterations(),
                        fake.storedKey(),
                        fake.serverKey(),
                        user))
                .orElseThrow();
    }

    /** A random key kept in the database, the same for every worker process. */
    byte[] serverSecret() throws DiskException {
        return db.read(tx -> tx.one("SELECT value FROM secrets WHERE name = 'server'", rs -> rs.getBytes(1)))
                .orElseThrow(() -> new DiskException(ReplyCode.SERVER_ERROR, "the server secret is missing"));
    }

    private Credentials newCredentials(char[] password) throws DiskException {
        byte[] salt = new byte[Credentials.SALT_BYTES];
        random.nextBytes(salt);
        return Credentials.derive(password, salt, Credentials.ITERATIONS);
    }

    private void updateUser(String user, String sql, Object... args) throws DiskException {
        if (db.write(tx -> tx.update(sql, args)) == 0) {
            throw new DiskException(ReplyCode.NOT_FOUND, "no such user: " + user);
        }
    }

    private static void checkQuota(long quotaBytes) throws DiskException {
        if (quotaBytes < 0) {
            throw new DiskException(ReplyCode.BAD_REQUEST, "a quota is 0 (unlimited) or more bytes");
        }
    }
}
