package io.pooldisk.disk;

import io.pooldisk.protocol.ReplyCode;
import java.security.SecureRandom;
import java.util.List;

/**
 * The tables of {@code pooldisk.db}, versioned by SQLite's {@code user_version}. Every worker opens the database at
 * start-up; the first to take the write lock migrates, the others find it done.
 */
final class Schema {

    static final int VERSION = 3;

    private static final List<String> V1 = List.of(
            """
            CREATE TABLE users (
              name TEXT PRIMARY KEY,
              salt BLOB NOT NULL,
              iterations INTEGER NOT NULL,
              stored_key BLOB NOT NULL,
              server_key BLOB NOT NULL,
              quota INTEGER NOT NULL,
              created INTEGER NOT NULL)""",
            """
            CREATE TABLE entries (
              owner TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
              path TEXT NOT NULL,
              parent TEXT NOT NULL,
              name TEXT NOT NULL,
              is_dir INTEGER NOT NULL,
              size INTEGER NOT NULL,
              modified INTEGER NOT NULL,
              sha256 TEXT NOT NULL,
              PRIMARY KEY (owner, path))""",
            "CREATE INDEX entries_by_parent ON entries(owner, parent, name)",
            "CREATE INDEX entries_by_blob ON entries(sha256)",
            """
            CREATE TABLE uploads (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              owner TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
              path TEXT NOT NULL,
              size INTEGER NOT NULL,
              sha256 TEXT NOT NULL,
              touched INTEGER NOT NULL,
              challenge_offset INTEGER,
              challenge_length INTEGER,
              UNIQUE (owner, path, size, sha256))""",
            """
            CREATE TABLE login_failures (
              address TEXT PRIMARY KEY,
              failures INTEGER NOT NULL,
              since INTEGER NOT NULL,
              banned_until INTEGER NOT NULL)""",
            """
            CREATE TABLE secrets (
              name TEXT PRIMARY KEY,
              value BLOB NOT NULL)""");

    /**
     * Instant uploads prove possession of the whole content (with a nonce kept in the session instead of a range kept
     * with the upload), and failed proofs are counted; blobs whose last reference went wait here to be freed.
     */
    private static final List<String> V2 = List.of(
            """
            CREATE TABLE proof_failures (
              owner TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
              sha256 TEXT NOT NULL,
              failures INTEGER NOT NULL,
              since INTEGER NOT NULL,
              PRIMARY KEY (owner, sha256))""",
            """
            CREATE TABLE released_blobs (
              sha256 TEXT PRIMARY KEY)""",
            "ALTER TABLE uploads DROP COLUMN challenge_offset",
            "ALTER TABLE uploads DROP COLUMN challenge_length");

    /**
     * The administrator's bans (manual ones; the login throttle's stay in login_failures): a network in canonical CIDR
     * text, why, since when and until when (epoch ms; NULL: permanent).
     */
    private static final List<String> V3 = List.of("""
            CREATE TABLE bans (
              network TEXT PRIMARY KEY,
              reason TEXT NOT NULL,
              since INTEGER NOT NULL,
              until INTEGER)""");

    private Schema() {}

    static void migrate(Database db) throws DiskException {
        db.write(tx -> {
            int version = tx.one("PRAGMA user_version", rs -> rs.getInt(1)).orElse(0);
            if (version > VERSION) {
                throw new DiskException(
                        ReplyCode.SERVER_ERROR,
                        "the data directory was made by a newer " + "PoolDisk (schema " + version + ", this one knows "
                                + VERSION + ")");
            }
            if (version < 1) {
                for (String ddl : V1) {
                    tx.update(ddl);
                }
                // SCRAM answers unknown users with a salt derived from this, so they look like real ones
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                tx.update("INSERT INTO secrets (name, value) VALUES ('server', ?)", secret);
            }
            if (version < 2) {
                for (String ddl : V2) {
                    tx.update(ddl);
                }
            }
            if (version < 3) {
                for (String ddl : V3) {
                    tx.update(ddl);
                }
            }
            tx.update("PRAGMA user_version = " + VERSION); // a constant: PRAGMA takes no parameters
            return null;
        });
    }
}
