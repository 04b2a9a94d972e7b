package io.pooldisk.disk;

import io.pooldisk.disk.Database.Tx;
import io.pooldisk.protocol.ReplyCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The rows of one user's namespace, for use inside a transaction. A row per file or directory, keyed by its full
 * path; the root is implicit. Every row's parent directory has a row too (or is the root).
 */
final class Namespace {

    private static final String COLUMNS = "path, name, is_dir, size, modified, sha256";

    private final String owner;

    Namespace(String owner) {
        this.owner = owner;
    }

    String owner() {
        return owner;
    }

    Optional<Entry> find(Tx tx, String path) throws SQLException {
        if (path.equals(DiskPaths.ROOT)) {
            return Optional.of(new Entry(DiskPaths.ROOT, DiskPaths.ROOT, Entry.Kind.DIR, 0, created(tx), ""));
        }
        return tx.one(
                "SELECT " + COLUMNS + " FROM entries WHERE owner = ? AND path = ?", Namespace::entry, owner, path);
    }

    Entry require(Tx tx, String path) throws SQLException, DiskException {
        return find(tx, path)
                .orElseThrow(() -> new DiskException(ReplyCode.NOT_FOUND, "no such file or directory: " + path));
    }

    /** The directory that would hold {@code path}: it must exist and be a directory. */
    void requireParentDirectory(Tx tx, String path) throws SQLException, DiskException {
        String parent = DiskPaths.parent(path);
        Entry dir = find(tx, parent)
                .orElseThrow(() -> new DiskException(ReplyCode.NOT_FOUND, "no such directory: " + parent));
        if (!dir.isDirectory()) {
            throw new DiskException(ReplyCode.CONFLICT, "not a directory: " + parent);
        }
    }

    long countChildren(Tx tx, String dir) throws SQLException {
        return tx.one("SELECT COUNT(*) FROM entries WHERE owner = ? AND parent = ?", rs -> rs.getLong(1), owner, dir)
                .orElse(0L);
    }

    /** Takes one entry of a listing. */
    @FunctionalInterface
    interface EntryAction {
        void accept(Entry e) throws SQLException;
    }

    /**
     * A directory's entries one at a time, sorted by name in SQLite's BINARY order: the bytes of their UTF-8, which
     * is Unicode code point order. The index on (owner, parent, name) yields them in that order, so nothing is
     * sorted or held; the full paths (up to 4 KiB each) are not even read.
     */
    void eachChild(Tx tx, String dir, EntryAction action) throws SQLException {
        tx.forEach(
                "SELECT name, is_dir, size, modified, sha256 FROM entries WHERE owner = ? AND parent = ? "
                        + "ORDER BY name",
                rs -> action.accept(entry(rs, DiskPaths.child(dir, rs.getString("name")))),
                owner,
                dir);
    }

    boolean hasChildren(Tx tx, String dir) throws SQLException {
        return tx.one("SELECT 1 FROM entries WHERE owner = ? AND parent = ? LIMIT 1", rs -> true, owner, dir)
                .isPresent();
    }

    void insertDirectory(Tx tx, String path, Instant now) throws SQLException {
        tx.update(
                "INSERT INTO entries (owner, path, parent, name, is_dir, size, modified, sha256) "
                        + "VALUES (?, ?, ?, ?, 1, 0, ?, '')",
                owner,
                path,
                DiskPaths.parent(path),
                DiskPaths.name(path),
                now.toEpochMilli());
    }

    /**
     * Points {@code path} at a blob: a new file, or a whole new version of an older one. Checks the parent, that no
     * directory is in the way, and the quota (the replaced file's size is freed by the replacement). Replaced content
     * is noted as released.
     */
    Entry putFile(Tx tx, String path, long size, String sha256, Instant now) throws SQLException, DiskException {
        Optional<Entry> replaced = checkFileMayGoAt(tx, path, size, sha256);
        tx.update(
                "INSERT INTO entries (owner, path, parent, name, is_dir, size, modified, sha256) "
                        + "VALUES (?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (owner, path) DO UPDATE "
                        + "SET size = excluded.size, modified = excluded.modified, sha256 = excluded.sha256",
                owner,
                path,
                DiskPaths.parent(path),
                DiskPaths.name(path),
                size,
                now.toEpochMilli(),
                sha256);
        if (replaced.isPresent() && !replaced.get().sha256().equals(sha256)) {
            ReleasedBlobs.note(tx, replaced.get().sha256());
        }
        Instant stored = Instant.ofEpochMilli(now.toEpochMilli()); // as a later stat will read it back
        return new Entry(path, DiskPaths.name(path), Entry.Kind.FILE, size, stored, sha256);
    }

    /**
     * What {@link #putFile} checks, for refusing an upload before any byte is sent; returns the file it would
     * replace. The quota counts the user's files and, in full, their unfinished uploads other than this one (the
     * same path, size and hash): parts are on the server's disk too, and an upload that fitted when it began still
     * fits when it completes.
     */
    Optional<Entry> checkFileMayGoAt(Tx tx, String path, long size, String sha256) throws SQLException, DiskException {
        long quota = quota(tx);
        Optional<Entry> existing = find(tx, path);
        if (existing.isPresent() && existing.get().isDirectory()) {
            throw new DiskException(ReplyCode.CONFLICT, "is a directory: " + path);
        }
        requireParentDirectory(tx, path);
        if (quota == 0) {
            return existing;
        }
        long used = used(tx) - existing.map(Entry::size).orElse(0L);
        long unfinished = tx.one(
                        "SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner = ? "
                                + "AND NOT (path = ? AND size = ? AND sha256 = ?)",
                        rs -> rs.getLong(1),
                        owner,
                        path,
                        size,
                        sha256)
                .orElse(0L);
        if (used + unfinished + size > quota) {
            throw new DiskException(
                    ReplyCode.INSUFFICIENT_STORAGE,
                    "quota exceeded: " + size + " bytes needed, "
                            + Math.max(0, quota - used - unfinished) + " of " + quota + " free"
                            + (unfinished > 0 ? " (" + unfinished + " held by unfinished uploads)" : ""));
        }
        return existing;
    }

    /**
     * Deletes a row and, for a directory, everything below it: the paths in [dir + "/", dir + "0"), as '0' follows
     * '/' in the byte order SQLite compares text in. The content of the files deleted is noted as released.
     */
    void delete(Tx tx, String path) throws SQLException {
        tx.update(
                "INSERT OR IGNORE INTO released_blobs (sha256) SELECT DISTINCT sha256 FROM entries "
                        + "WHERE owner = ? AND is_dir = 0 AND (path = ? OR (path >= ? AND path < ?))",
                owner,
                path,
                path + "/",
                path + "0");
        tx.update("DELETE FROM entries WHERE owner = ? AND path >= ? AND path < ?", owner, path + "/", path + "0");
        tx.update("DELETE FROM entries WHERE owner = ? AND path = ?", owner, path);
    }

    /** Renames a row and, for a directory, everything below it. */
    void rename(Tx tx, String from, String to) throws SQLException {
        tx.update(
                "UPDATE entries SET path = ?, parent = ?, name = ? WHERE owner = ? AND path = ?",
                to,
                DiskPaths.parent(to),
                DiskPaths.name(to),
                owner,
                from);
        // SQLite's substr counts characters (code points), not bytes
        int rest = from.codePointCount(0, from.length()) + 1;
        tx.update(
                "UPDATE entries SET path = ? || substr(path, ?), parent = ? || substr(parent, ?) "
                        + "WHERE owner = ? AND path >= ? AND path < ?",
                to,
                rest,
                to,
                rest,
                owner,
                from + "/",
                from + "0");
    }

    long used(Tx tx) throws SQLException {
        return tx.one(
                        "SELECT COALESCE(SUM(size), 0) FROM entries WHERE owner = ? AND is_dir = 0",
                        rs -> rs.getLong(1),
                        owner)
                .orElse(0L);
    }

    /** The user's quota (0: unlimited); 401 when the user no longer exists. */
    long quota(Tx tx) throws SQLException, DiskException {
        return tx.one("SELECT quota FROM users WHERE name = ?", rs -> rs.getLong(1), owner)
                .orElseThrow(() -> new DiskException(ReplyCode.UNAUTHORIZED, "no such user: " + owner));
    }

    private Instant created(Tx tx) throws SQLException {
        return tx.one("SELECT created FROM users WHERE name = ?", rs -> Instant.ofEpochMilli(rs.getLong(1)), owner)
                .orElse(Instant.EPOCH);
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return entry(rs, rs.getString("path"));
    }

    private static Entry entry(ResultSet rs, String path) throws SQLException {
        boolean dir = rs.getInt("is_dir") != 0;
        return new Entry(
                path,
                rs.getString("name"),
                dir ? Entry.Kind.DIR : Entry.Kind.FILE,
                rs.getLong("size"),
                Instant.ofEpochMilli(rs.getLong("modified")),
                rs.getString("sha256"));
    }
}
