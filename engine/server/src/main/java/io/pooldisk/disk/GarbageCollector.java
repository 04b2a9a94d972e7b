package io.pooldisk.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what nothing will use again: part files of uploads left untouched for the TTL (and of uploads whose row is
 * gone, such as a deleted user's), blobs that no entry points at, and counts of failed proofs whose window has ended.
 * Safe while workers serve: a part being written is locked and skipped, and each blob is deleted inside a write
 * transaction, which no commit can interleave with. Blobs are mostly freed at once when their last reference goes
 * ({@link ReleasedBlobs}); the sweep here finds the rest (a deleted user's, a drain that failed).
 */
final class GarbageCollector {

    private static final Pattern PART = Pattern.compile("(\\d{1,18})\\.part");

    private final Database db;
    private final BlobStore blobs;
    private final Path partsDir;
    private final ReleasedBlobs released;
    private final ProofFailures proofFailures;

    GarbageCollector(Database db, BlobStore blobs, Path partsDir, ProofFailures proofFailures) {
        this.db = db;
        this.blobs = blobs;
        this.partsDir = partsDir;
        this.released = new ReleasedBlobs(db, blobs);
        this.proofFailures = proofFailures;
    }

    GcReport collect(Duration partTtl) throws DiskException {
        long cutoff = Instant.now().minus(partTtl).toEpochMilli();
        ReleasedBlobs.Tally parts = new ReleasedBlobs.Tally();
        ReleasedBlobs.Tally gone = released.deleteUnreferenced();
        try {
            // files before rows: a part file is made after its row, so every file listed has its row visible below
            Map<Long, Path> files = partFiles();
            Map<Long, Long> touched = new HashMap<>();
            db.read(tx -> tx.list("SELECT id, touched FROM uploads", rs -> touched.put(rs.getLong(1), rs.getLong(2))));
            for (Map.Entry<Long, Long> row : touched.entrySet()) {
                long id = row.getKey();
                Path file = files.get(id);
                if (row.getValue() < cutoff && (file == null || modified(file) < cutoff)) {
                    parts.add(deleteUnlessWritten(
                            file,
                            () -> db.write(tx ->
                                            tx.update("DELETE FROM uploads WHERE id = ? AND touched < ?", id, cutoff))
                                    == 1));
                }
            }
            for (Map.Entry<Long, Path> file : files.entrySet()) {
                if (!touched.containsKey(file.getKey())) { // its upload was committed, aborted or its user deleted
                    parts.add(deleteUnlessWritten(file.getValue(), () -> true));
                }
            }
            Set<String> referenced = new HashSet<>(db.read(
                    tx -> tx.list("SELECT DISTINCT sha256 FROM entries WHERE is_dir = 0", rs -> rs.getString(1))));
            for (String hash : blobs.all()) {
                if (!referenced.contains(hash)) {
                    gone.add(db.write(tx -> released.deleteIfUnreferenced(tx, hash)));
                }
            }
            db.write(tx -> {
                proofFailures.forgetExpired(tx);
                return null;
            });
        } catch (IOException e) {
            throw Uploads.storageFailure("garbage collection failed", e);
        }
        return new GcReport(parts.count, gone.count, parts.bytes + gone.bytes);
    }

    private interface Confirmation {
        boolean confirm() throws DiskException;
    }

    /**
     * Deletes a part file (which may be absent) once {@code confirm} agrees, unless a session is writing it (it holds
     * the lock). Returns the bytes freed, or -1 if nothing was deleted.
     */
    private static long deleteUnlessWritten(Path file, Confirmation confirm) throws IOException, DiskException {
        if (file == null) {
            return confirm.confirm() ? 0 : -1;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (tryLock(ch) == null || !confirm.confirm()) {
                return -1;
            }
            long size = ch.size();
            Files.delete(file);
            return size;
        } catch (NoSuchFileException e) {
            return -1; // deleted meanwhile by its commit or abort
        }
    }

    private Map<Long, Path> partFiles() throws IOException {
        Map<Long, Path> files = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(partsDir)) {
            for (Path p : dir) {
                Matcher m = PART.matcher(p.getFileName().toString());
                if (m.matches()) {
                    files.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        return files;
    }

    private static long modified(Path file) throws IOException {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (NoSuchFileException e) {
            return Long.MIN_VALUE;
        }
    }

    private static java.nio.channels.FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held through another channel of this same process
        }
    }
}
