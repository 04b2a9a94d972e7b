package io.pooldisk.disk;

import io.pooldisk.disk.Database.Tx;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * Content freed as soon as its last reference goes, not at the next garbage collection. A transaction that drops a
 * reference to a blob (a file removed, or replaced by other content) notes the blob's hash in {@code released_blobs};
 * once it has committed, {@link #deleteUnreferenced} deletes those blobs that nothing references any more. Each check
 * and delete runs inside a write transaction, so no commit that would reference the blob again (an upload, an instant
 * upload) can come between them; a download that already opened the blob goes on reading it after the unlink. The
 * note is in the database: what a worker that dies in between leaves is deleted by the next drain, or by garbage
 * collection.
 */
final class ReleasedBlobs {

    /** Blobs checked and deleted in one write transaction: short enough not to hold other writers for long. */
    private static final int BATCH = 64;

    private final Database db;
    private final BlobStore blobs;

    ReleasedBlobs(Database db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    /** Inside the transaction that drops a reference to it: the blob may have lost its last one. */
    static void note(Tx tx, String sha256) throws SQLException {
        tx.update("INSERT OR IGNORE INTO released_blobs (sha256) VALUES (?)", sha256);
    }

    /** Deletes the noted blobs that nothing references; returns how many and the bytes freed. */
    Tally deleteUnreferenced() throws DiskException {
        Tally freed = new Tally();
        if (db.read(tx -> tx.one("SELECT 1 FROM released_blobs LIMIT 1", rs -> true))
                .isEmpty()) {
            return freed; // the common case costs no write lock
        }
        int batch;
        do {
            batch = db.write(tx -> {
                List<String> hashes =
                        tx.list("SELECT sha256 FROM released_blobs LIMIT " + BATCH, rs -> rs.getString(1));
                for (String hash : hashes) {
                    freed.add(deleteIfUnreferenced(tx, hash));
                    tx.update("DELETE FROM released_blobs WHERE sha256 = ?", hash);
                }
                return hashes.size();
            });
        } while (batch == BATCH);
        return freed;
    }

    /** {@link #deleteUnreferenced}, for callers whose own work is done: a failure leaves the blobs to the next one. */
    void deleteUnreferencedQuietly() {
        try {
            deleteUnreferenced();
        } catch (DiskException ignored) {
            // still noted: the next drain or garbage collection deletes them
        }
    }

    /**
     * Inside a write transaction: deletes the blob unless an entry references it. Returns the bytes freed, or -1 when
     * it is kept.
     */
    long deleteIfUnreferenced(Tx tx, String sha256) throws SQLException, DiskException {
        if (tx.one("SELECT 1 FROM entries WHERE sha256 = ? AND is_dir = 0 LIMIT 1", rs -> true, sha256)
                .isPresent()) {
            return -1;
        }
        try {
            return blobs.delete(sha256);
        } catch (IOException e) {
            throw Uploads.storageFailure("cannot delete blob " + sha256, e);
        }
    }

    /** How many were deleted, and their bytes. */
    static final class Tally {
        int count;
        long bytes;

        /** Counts {@code freed} bytes, or nothing when it is -1 (kept). */
        void add(long freed) {
            if (freed >= 0) {
                count++;
                bytes += freed;
            }
        }
    }
}
