package io.pooldisk.disk;

import io.pooldisk.protocol.Sha256;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One user's uploads. An upload streams into a part file named by its row id ({@code parts/<id>.part}), resumes at
 * the byte after whatever stopped it (a disconnect, a killed worker, a restart), is verified against its SHA-256,
 * and is committed atomically: renamed into the blob store and linked to its path in one transaction. Readers see
 * the old file or the new one, never a partial or unverified one.
 */
public final class Uploads {

    /** Instant uploads prove possession by hashing a random range of about this size. */
    static final int MIN_CHALLENGE = 64 * 1024;
    static final int MAX_CHALLENGE = 1024 * 1024;

    private final Database db;
    private final BlobStore blobs;
    private final Path partsDir;
    private final Namespace ns;
    private final SecureRandom random;
    private final ReleasedBlobs released;

    Uploads(Database db, BlobStore blobs, Path partsDir, String user, SecureRandom random) {
        this.db = db;
        this.blobs = blobs;
        this.partsDir = partsDir;
        this.ns = new Namespace(user);
        this.random = random;
        this.released = new ReleasedBlobs(db, blobs);
    }

    /**
     * An upload begun or resumed. {@code offset}: bytes the part file already holds, where the client resumes.
     * {@code contentKnown}: the server already holds this content, so an instant upload is possible, with proof.
     */
    public record Ticket(long id, String path, long size, String sha256, long offset, Path partFile,
            boolean contentKnown) {
    }

    /** The range of the content whose SHA-256 proves possession. */
    public record Challenge(long offset, long length) {
    }

    /**
     * Begins an upload of {@code size} bytes with that SHA-256 to {@code path}, or resumes the one that the same
     * user began with the same path, size and hash. Refuses up front what could never commit: a bad name, a
     * directory in the way, a missing parent, a quota or a disk too small. The quota counts the size of the user's
     * other unfinished uploads, in full.
     */
    public Ticket begin(String path, long size, String sha256) throws DiskException {
        String p = DiskPaths.canonical(path);
        String hash = parseSha256(sha256);
        if (size < 0) {
            throw new DiskException(DiskException.BAD_REQUEST, "the size must not be negative");
        }
        long now = Instant.now().toEpochMilli();
        long id = db.write(tx -> {
            ns.checkFileMayGoAt(tx, p, size, hash);
            Optional<Long> resumed = tx.one("SELECT id FROM uploads WHERE owner = ? AND path = ? AND size = ? "
                    + "AND sha256 = ?", rs -> rs.getLong(1), ns.owner(), p, size, hash);
            if (resumed.isPresent()) {
                tx.update("UPDATE uploads SET touched = ? WHERE id = ?", now, resumed.get());
                return resumed.get();
            }
            return tx.insert("INSERT INTO uploads (owner, path, size, sha256, touched) VALUES (?, ?, ?, ?, ?)",
                    ns.owner(), p, size, hash, now);
        });
        Path part = partFile(partsDir, id);
        long offset = preparePart(part, size);
        checkDiskSpace(size - offset);
        return new Ticket(id, p, size, hash, offset, part, blobs.holds(hash, size));
    }

    /** Creates the part if needed and marks it used, so garbage collection leaves a resumed upload alone. */
    private static long preparePart(Path part, long size) throws DiskException {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() > size) {
                ch.truncate(0); // not a prefix of this upload: start over
            }
            Files.setLastModifiedTime(part, FileTime.from(Instant.now()));
            return ch.size();
        } catch (IOException e) {
            throw storageFailure("cannot create a part file", e);
        }
    }

    private void checkDiskSpace(long needed) throws DiskException {
        try {
            long free = Files.getFileStore(partsDir).getUsableSpace();
            if (needed > free) {
                throw new DiskException(DiskException.INSUFFICIENT_STORAGE, "disk full: " + needed
                        + " bytes needed, " + free + " free on the server");
            }
        } catch (IOException e) {
            throw storageFailure("cannot see the free space", e);
        }
    }

    /**
     * Opens the part for writing at its end: the way to write an upload, hashing as it goes. 409 while another
     * session writes the same upload.
     */
    public PartWriter openPart(Ticket t) throws DiskException {
        requireUpload(t);
        return PartWriter.open(t);
    }

    /**
     * Goes on with an upload that a session began in another worker process and parked: its row must still be there
     * (404 when it was committed, aborted or expired meanwhile) and its part must hold exactly {@code received} bytes
     * (409 when another session wrote to it); {@code hashState} saves hashing them again (see
     * {@link PartWriter#suspend}).
     */
    public PartWriter resumePart(long uploadId, String path, long size, String sha256, long received,
            byte[] hashState) throws DiskException {
        Ticket t = new Ticket(uploadId, path, size, sha256, received, partFile(partsDir, uploadId), false);
        requireUpload(t);
        return PartWriter.open(t, received, hashState);
    }

    /**
     * Picks a random range of the content for the client to hash, and keeps it with the upload, so the proof may
     * come to another worker process.
     */
    public Challenge challenge(Ticket t) throws DiskException {
        if (!blobs.holds(t.sha256(), t.size())) {
            throw new DiskException(DiskException.CONFLICT, "the server does not hold that content: upload it");
        }
        long length = Math.min(t.size(), MIN_CHALLENGE + random.nextInt(MAX_CHALLENGE - MIN_CHALLENGE + 1));
        long offset = length == t.size() ? 0 : random.nextLong(t.size() - length + 1);
        db.write(tx -> {
            if (tx.update("UPDATE uploads SET challenge_offset = ?, challenge_length = ? WHERE id = ? AND owner = ?",
                    offset, length, t.id(), ns.owner()) == 0) {
                throw noSuchUpload(t);
            }
            return null;
        });
        return new Challenge(offset, length);
    }

    /**
     * Commits an instant upload (秒传): the client proves it has the content by the SHA-256 of the challenged range
     * of it. Each challenge answers once; a wrong proof needs a new challenge.
     */
    public Entry commitInstant(Ticket t, String proofSha256Hex) throws DiskException {
        byte[] proof = HexFormat.of().parseHex(parseSha256(proofSha256Hex));
        Challenge c = db.write(tx -> {
            Optional<Challenge> issued = tx.one("SELECT challenge_offset, challenge_length FROM uploads "
                    + "WHERE id = ? AND owner = ? AND challenge_offset IS NOT NULL", rs -> new Challenge(rs.getLong(1),
                    rs.getLong(2)), t.id(), ns.owner());
            tx.update("UPDATE uploads SET challenge_offset = NULL, challenge_length = NULL WHERE id = ?", t.id());
            return issued.orElseThrow(() -> new DiskException(DiskException.CONFLICT,
                    "no challenge is pending for this upload: ask for one first"));
        });
        byte[] expected;
        try (FileChannel blob = FileChannel.open(blobs.path(t.sha256()), StandardOpenOption.READ)) {
            expected = Sha256.ofRange(blob, c.offset(), c.length());
        } catch (IOException e) {
            throw new DiskException(DiskException.CONFLICT, "the server does not hold that content: upload it");
        }
        if (!MessageDigest.isEqual(expected, proof)) {
            throw new DiskException(DiskException.PRECONDITION_FAILED, "proof of possession failed: wrong SHA-256 "
                    + "of bytes " + c.offset() + "+" + c.length());
        }
        Entry entry = db.write(tx -> {
            requireUpload(tx, t);
            if (!blobs.holds(t.sha256(), t.size())) { // collected meanwhile
                throw new DiskException(DiskException.CONFLICT, "the server does not hold that content: upload it");
            }
            Entry e = ns.putFile(tx, t.path(), t.size(), t.sha256(), Instant.now());
            tx.update("DELETE FROM uploads WHERE id = ?", t.id());
            return e;
        });
        deleteQuietly(t.partFile());
        released.deleteUnreferencedQuietly(); // the content it replaced, if nothing else references it
        return entry;
    }

    /** Verifies and commits an upload whose part was written some other way, or by an earlier process. */
    public Entry commit(Ticket t) throws DiskException {
        return commit(openPart(t));
    }

    /**
     * Commits the upload that {@code part} wrote, and closes it. The part must hold exactly the announced size and
     * hash to the announced SHA-256 (412 otherwise, and the part is discarded). Then, in one transaction, the part
     * becomes a blob (or is dropped when that content is already stored) and the path points at it, replacing an
     * older file whole; the quota is checked again there (507 leaves everything as it was).
     */
    public Entry commit(PartWriter part) throws DiskException {
        Ticket t = part.ticket();
        try (part) {
            if (part.position() != t.size()) {
                throw new DiskException(DiskException.CONFLICT, "the upload of " + t.path() + " is incomplete: "
                        + part.position() + " of " + t.size() + " bytes received");
            }
            String actual;
            try {
                actual = part.finish();
            } catch (IOException e) {
                throw storageFailure("cannot flush the part file of " + t.path(), e);
            }
            if (!actual.equals(t.sha256())) {
                discard(t);
                throw new DiskException(DiskException.PRECONDITION_FAILED, "SHA-256 mismatch: the bytes received "
                        + "for " + t.path() + " hash to " + actual + "; the upload was discarded, send it again");
            }
            Entry entry = db.write(tx -> {
                requireUpload(tx, t);
                Entry e = ns.putFile(tx, t.path(), t.size(), t.sha256(), Instant.now());
                try {
                    blobs.adopt(t.partFile(), t.sha256());
                } catch (IOException ex) {
                    throw storageFailure("cannot store the content of " + t.path(), ex);
                }
                tx.update("DELETE FROM uploads WHERE id = ?", t.id());
                return e;
            });
            released.deleteUnreferencedQuietly(); // the content it replaced, if nothing else references it
            return entry;
        }
    }

    /** Gives an upload up: its row and its part file. */
    public void abort(Ticket t) {
        try {
            discard(t);
        } catch (DiskException ignored) {
            // the part file is gone either way; a leftover row expires with the part TTL
        }
    }

    private void discard(Ticket t) throws DiskException {
        deleteQuietly(t.partFile());
        db.write(tx -> tx.update("DELETE FROM uploads WHERE id = ? AND owner = ?", t.id(), ns.owner()));
    }

    private void requireUpload(Ticket t) throws DiskException {
        db.read(tx -> {
            requireUpload(tx, t);
            return null;
        });
    }

    private void requireUpload(Database.Tx tx, Ticket t) throws java.sql.SQLException, DiskException {
        if (tx.one("SELECT 1 FROM uploads WHERE id = ? AND owner = ?", rs -> true, t.id(), ns.owner()).isEmpty()) {
            throw noSuchUpload(t);
        }
    }

    /** A SHA-256 in canonical form; anything else is refused (it names a blob file). */
    private static String parseSha256(String hex) throws DiskException {
        String canonical = Sha256.canonical(hex);
        if (canonical == null) {
            throw new DiskException(DiskException.BAD_REQUEST, "a SHA-256 is 64 hex digits");
        }
        return canonical;
    }

    private static DiskException noSuchUpload(Ticket t) {
        return new DiskException(DiskException.NOT_FOUND, "no upload of " + t.path() + " is in progress (it was "
                + "committed, aborted or expired): begin it again");
    }

    static Path partFile(Path partsDir, long id) {
        return partsDir.resolve(id + ".part");
    }

    static DiskException storageFailure(String what, IOException e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reason.contains("No space left on device")) {
            return new DiskException(DiskException.INSUFFICIENT_STORAGE, "disk full: " + what, e);
        }
        return new DiskException(DiskException.STORAGE_FAILURE, what + ": " + reason, e);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // garbage collection removes what is left
        }
    }
}
