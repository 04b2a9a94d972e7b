package io.pooldisk.disk;

import io.pooldisk.disk.Database.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Instant-upload challenges not answered right, per user and content. A challenge counts as failed from the moment
 * it is issued until a right answer clears the count, so one that is abandoned (no HASH: another PUT, a disconnect, a
 * worker that died) counts as much as a wrong answer, and no session state is needed to notice it. After
 * {@link #MAX_FAILURES} within {@link #WINDOW} of the first, that user's uploads of that content send their bytes until
 * the window ends. In the database: the count holds across sessions and worker processes.
 */
final class ProofFailures {

    static final int MAX_FAILURES = 3;
    static final Duration WINDOW = Duration.ofHours(24);

    private final Clock clock;

    ProofFailures(Clock clock) {
        this.clock = clock;
    }

    /** Counts a new challenge as failed and returns true; or returns false when the user has no challenges left. */
    boolean tryCount(Tx tx, String owner, String sha256) throws SQLException {
        long now = clock.millis();
        Optional<Integer> failures = tx.one(
                "SELECT failures FROM proof_failures WHERE owner = ? AND sha256 = ? " + "AND since > ?",
                rs -> rs.getInt(1),
                owner,
                sha256,
                now - WINDOW.toMillis());
        if (failures.isEmpty()) {
            tx.update(
                    "INSERT INTO proof_failures (owner, sha256, failures, since) VALUES (?, ?, 1, ?) "
                            + "ON CONFLICT (owner, sha256) DO UPDATE SET failures = 1, since = excluded.since",
                    owner,
                    sha256,
                    now);
            return true;
        }
        if (failures.get() >= MAX_FAILURES) {
            return false;
        }
        tx.update("UPDATE proof_failures SET failures = failures + 1 WHERE owner = ? AND sha256 = ?", owner, sha256);
        return true;
    }

    /** A right answer: the user holds that content, and what they failed before no longer counts. */
    void clear(Tx tx, String owner, String sha256) throws SQLException {
        tx.update("DELETE FROM proof_failures WHERE owner = ? AND sha256 = ?", owner, sha256);
    }

    /** Drops the counts whose window has ended (garbage collection). */
    void forgetExpired(Tx tx) throws SQLException {
        tx.update("DELETE FROM proof_failures WHERE since <= ?", clock.millis() - WINDOW.toMillis());
    }
}
