package io.pooldisk.disk;

import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One user's namespace: directories and files by path. Paths are resolved and checked here and live only in
 * SQLite; file content is reached only through blob names the server computed.
 */
public final class FileTree {

    private final Database db;
    private final BlobStore blobs;
    private final Namespace ns;
    private final ReleasedBlobs released;

    FileTree(Database db, BlobStore blobs, String user) {
        this.db = db;
        this.blobs = blobs;
        this.ns = new Namespace(user);
        this.released = new ReleasedBlobs(db, blobs);
    }

    /**
     * The normalised (NFC) absolute path that {@code input} names, read relative to {@code cwd} unless it starts
     * with '/'. Refuses (400, saying why) "." and "..", empty names ("a//b"), NUL and control characters, names over
     * 255 UTF-8 bytes and paths over 4096. One trailing '/' is allowed: "docs/" is "docs".
     */
    public String resolve(String cwd, String input) throws DiskException {
        return DiskPaths.resolve(cwd, input);
    }

    public Entry stat(String path) throws DiskException {
        String p = DiskPaths.canonical(path);
        return db.read(tx -> ns.require(tx, p));
    }

    /** Where a directory's listing goes as it is read. */
    public interface ListingSink {
        /** First, the number of entries that will follow. */
        void begin(long count) throws IOException;

        /** Then each entry once, sorted by name (Unicode code point order). */
        void entry(Entry e) throws IOException;
    }

    /**
     * Streams a directory's entries into {@code sink}, read from one snapshot of the database, so that the count
     * {@link ListingSink#begin} gets is the number of entries that follow. Holds none of them: a directory of any
     * size is listed in the same memory.
     */
    public void list(String dirPath, ListingSink sink) throws DiskException, IOException {
        String dir = DiskPaths.canonical(dirPath);
        try {
            db.snapshot(tx -> {
                if (!ns.require(tx, dir).isDirectory()) {
                    throw new DiskException(ReplyCode.CONFLICT, "not a directory: " + dir);
                }
                long count = ns.countChildren(tx, dir);
                carryingIoFailure(() -> sink.begin(count));
                ns.eachChild(tx, dir, e -> carryingIoFailure(() -> sink.entry(e)));
                return null;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the sink's own failure, carried out of the database work
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Database work cannot throw an IOException: it is carried out unchecked, and unwrapped by the caller. */
    private static void carryingIoFailure(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory's entries, sorted by name, in a list: for small directories (the server streams, above). */
    public List<Entry> list(String dirPath) throws DiskException {
        List<Entry> entries = new ArrayList<>();
        try {
            list(dirPath, new ListingSink() {
                @Override
                public void begin(long count) {}

                @Override
                public void entry(Entry e) {
                    entries.add(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("a list cannot fail to grow", e);
        }
        return entries;
    }

    public Entry mkdir(String path) throws DiskException {
        String p = DiskPaths.canonical(path);
        Instant now = Instant.now();
        return db.write(tx -> {
            ns.quota(tx); // the user must still exist
            if (ns.find(tx, p).isPresent()) {
                throw new DiskException(ReplyCode.CONFLICT, "already exists: " + p);
            }
            ns.requireParentDirectory(tx, p);
            ns.insertDirectory(tx, p, now);
            return ns.require(tx, p);
        });
    }

    /**
     * Removes a file, or a directory: an empty one, or with everything in it when {@code recursive}. Content that no
     * other file references is deleted before this returns: its space is free at once. Returns what was removed.
     */
    public Entry remove(String path, boolean recursive) throws DiskException {
        String p = DiskPaths.canonical(path);
        if (p.equals(DiskPaths.ROOT)) {
            throw new DiskException(ReplyCode.FORBIDDEN, "the root directory cannot be removed");
        }
        Entry removed = db.write(tx -> {
            Entry e = ns.require(tx, p);
            if (e.isDirectory() && !recursive && ns.hasChildren(tx, p)) {
                throw new DiskException(ReplyCode.CONFLICT, "directory not empty: " + p);
            }
            ns.delete(tx, p);
            return e;
        });
        released.deleteUnreferencedQuietly();
        return removed;
    }

    /** Renames or moves a file or directory (with everything in it); the target must not exist. */
    public Entry move(String from, String to) throws DiskException {
        String src = DiskPaths.canonical(from);
        String dst = DiskPaths.canonical(to);
        if (src.equals(DiskPaths.ROOT)) {
            throw new DiskException(ReplyCode.FORBIDDEN, "the root directory cannot be moved");
        }
        return db.write(tx -> {
            ns.require(tx, src);
            if (ns.find(tx, dst).isPresent()) {
                throw new DiskException(ReplyCode.CONFLICT, "already exists: " + dst);
            }
            if (DiskPaths.isInside(dst, src)) {
                throw new DiskException(ReplyCode.CONFLICT, "cannot move " + src + " into itself");
            }
            ns.requireParentDirectory(tx, dst);
            ns.rename(tx, src, dst);
            return ns.require(tx, dst);
        });
    }

    /**
     * A file with its content open for sending. The entry is read first and its blob opened after, so a delete or an
     * upload to the same path can commit in between, and the garbage collector can then remove the blob that was
     * read: the open fails with ENOENT. The path is then looked up again, and the file's new content is sent, or
     * NOT_FOUND if it is gone. Once open, the content stays readable whatever happens to the path.
     */
    public Download openForDownload(String path) throws DiskException {
        Entry e = stat(path);
        while (true) {
            if (e.isDirectory()) {
                throw new DiskException(ReplyCode.CONFLICT, "is a directory: " + e.path());
            }
            Path blob = blobs.path(e.sha256());
            try {
                return new Download(e, blob, FileDescriptor.openForReading(blob));
            } catch (NativeException failure) {
                Entry now = stat(path);
                if (failure.errno() != Errors.ENOENT || Objects.equals(now.sha256(), e.sha256())) {
                    throw new DiskException(
                            ReplyCode.SERVER_ERROR,
                            "the content of " + e.path() + " cannot be read: " + failure.getMessage());
                }
                e = now; // replaced meanwhile: send what it holds now
            }
        }
    }

    /** Bytes in this user's files. */
    public long usedBytes() {
        return unchecked(() -> db.read(ns::used));
    }

    /** This user's quota in bytes; 0 is unlimited. */
    public long quotaBytes() {
        return unchecked(() -> db.read(ns::quota));
    }

    private interface Query {
        long run() throws DiskException;
    }

    /** The figures are asked for where nothing can fail sensibly: a storage failure there is a bug or a broken disk. */
    private static long unchecked(Query q) {
        try {
            return q.run();
        } catch (DiskException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
