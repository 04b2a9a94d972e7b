package io.pooldisk.disk;

import io.pooldisk.protocol.PossessionProof;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.Sha256;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * One user's uploads. An upload streams into a part file named by its row id ({@code parts/<id>.part}), resumes at
 * the byte after whatever stopped it (a disconnect, a killed worker, a restart), is verified against its SHA-256,
 * and is committed atomically: renamed into the blob store and linked to its path in one transaction. Readers see
 * the old file or the new one, never a partial or unverified one.
 *
 * <p>An instant upload (秒传) stores content the server already holds, as the {@link InstantUploadPolicy} allows,
 * without its bytes: the client proves it holds the whole content instead ({@link #challengeInstant},
 * {@link #commitInstant}).
 */
public final class Uploads {

    private final Database db;
    private final BlobStore blobs;
    private final Path partsDir;
    private final Namespace ns;
    private final SecureRandom random;
    private final InstantUploadPolicy instantUploads;
    private final ProofFailures proofFailures;
    private final ReleasedBlobs released;

    Uploads(
            Database db,
            BlobStore blobs,
            Path partsDir,
            String user,
            SecureRandom random,
            InstantUploadPolicy instantUploads,
            ProofFailures proofFailures) {
        this.db = db;
        this.blobs = blobs;
        this.partsDir = partsDir;
        this.ns = new Namespace(user);
        this.random = random;
        this.instantUploads = instantUploads;
        this.proofFailures = proofFailures;
        this.released = new ReleasedBlobs(db, blobs);
    }

    /** An upload begun or resumed. {@code offset}: bytes the part file already holds, where the client resumes. */
    public record Ticket(long id, String path, long size, String sha256, long offset, Path partFile) {}

    /**
     * Begins an upload of {@code size} bytes with that SHA-256 to {@code path}, or resumes the one that the same
     * user began with the same path, size and hash. Refuses up front what could never commit: a bad name, a
     * directory in the way, a missing parent, a quota or a disk too small. The quota counts the size of the user's
     * other unfinished uploads, in full.
     */
    public Ticket begin(String path, long size, String sha256) throws DiskException {
        String p = DiskPaths.canonical(path);
        String hash = parseSha256(sha256);
        requireSize(size);
        long now = Instant.now().toEpochMilli();
        long id = db.write(tx -> {
            ns.checkFileMayGoAt(tx, p, size, hash);
            Optional<Long> resumed = tx.one(
                    "SELECT id FROM uploads WHERE owner = ? AND path = ? AND size = ? " + "AND sha256 = ?",
                    rs -> rs.getLong(1),
                    ns.owner(),
                    p,
                    size,
                    hash);
            if (resumed.isPresent()) {
                tx.update("UPDATE uploads SET touched = ? WHERE id = ?", now, resumed.get());
                return resumed.get();
            }
            return tx.insert(
                    "INSERT INTO uploads (owner, path, size, sha256, touched) VALUES (?, ?, ?, ?, ?)",
                    ns.owner(),
                    p,
                    size,
                    hash,
                    now);
        });
        Path part = partFile(partsDir, id);
        long offset = preparePart(part, size);
        checkDiskSpace(size - offset);
        return new Ticket(id, p, size, hash, offset, part);
    }

    /** Creates the part if needed and marks it used, so garbage collection leaves a resumed upload alone. */
    private static long preparePart(Path part, long size) throws DiskException {
        try (FileChannel ch = FileChannel.open(
                part, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OwnerOnly.fileMode())) {
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
                throw new DiskException(
                        ReplyCode.INSUFFICIENT_STORAGE,
                        "disk full: " + needed + " bytes needed, " + free + " free on the server");
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
    public PartWriter resumePart(long uploadId, String path, long size, String sha256, long received, byte[] hashState)
            throws DiskException {
        Ticket t = new Ticket(uploadId, path, size, sha256, received, partFile(partsDir, uploadId));
        requireUpload(t);
        return PartWriter.open(t, received, hashState);
    }

    /**
     * Offers an instant upload of {@code size} bytes with that SHA-256 to {@code path}: a challenge whose nonce the
     * client must key an HMAC-SHA256 of the whole content with ({@link io.pooldisk.protocol.PossessionProof}).
     * Empty when the bytes must be sent: the policy does not let this user upload that content instantly, or they
     * failed too many proofs of it lately ({@link ProofFailures}); a challenge counts as a failure until it is
     * answered right. Refuses what {@link #begin} refuses.
     */
    public Optional<InstantChallenge> challengeInstant(String path, long size, String sha256) throws DiskException {
        String p = DiskPaths.canonical(path);
        String hash = parseSha256(sha256);
        requireSize(size);
        if (instantUploads == InstantUploadPolicy.OFF || !db.read(tx -> qualifies(tx, hash, size))) {
            return Optional.empty(); // most uploads: no write lock taken
        }
        // Opened first: the content stays readable for the proof whatever happens to its references meanwhile.
        FileChannel blob = openBlob(hash, size);
        if (blob == null) {
            return Optional.empty();
        }
        boolean offered = false;
        try {
            offered = db.write(tx -> {
                ns.checkFileMayGoAt(tx, p, size, hash);
                return qualifies(tx, hash, size) && proofFailures.tryCount(tx, ns.owner(), hash);
            });
        } finally {
            if (!offered) {
                closeQuietly(blob);
            }
        }
        return offered
                ? Optional.of(new InstantChallenge(p, size, hash, PossessionProof.newNonce(random), blob))
                : Optional.empty();
    }

    /** Whether this user may upload that content instantly: someone stores it, as the policy requires. */
    private boolean qualifies(Database.Tx tx, String sha256, long size) throws java.sql.SQLException {
        String stored = "SELECT 1 FROM entries WHERE sha256 = ? AND size = ? AND is_dir = 0";
        Optional<Boolean> found = instantUploads == InstantUploadPolicy.ALL
                ? tx.one(stored + " LIMIT 1", rs -> true, sha256, size)
                : tx.one(stored + " AND owner = ? LIMIT 1", rs -> true, sha256, size, ns.owner());
        return found.isPresent();
    }

    /** The stored content of that hash, open for reading; null when it is missing or has another size. */
    private FileChannel openBlob(String sha256, long size) throws DiskException {
        FileChannel blob;
        try {
            blob = FileChannel.open(blobs.path(sha256), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw storageFailure("cannot open the stored content " + sha256, e);
        }
        try {
            if (blob.size() == size) {
                return blob;
            }
        } catch (IOException e) {
            closeQuietly(blob);
            throw storageFailure("cannot read the stored content " + sha256, e);
        }
        closeQuietly(blob);
        return null;
    }

    /**
     * Commits an instant upload whose challenge the client answered with {@code proof}: it must be the proof
     * {@link InstantChallenge#expectedProof} computed (412 otherwise: the challenge stays counted as failed). A right
     * one clears the user's failed proofs of that content. Then, in one transaction, {@code path} points at the
     * stored content (409 if it is no longer stored; the quota is checked again, 507), and an unfinished upload of
     * the same content to the same path is dropped: it is done.
     */
    public Entry commitInstant(String path, long size, String sha256, String expectedProof, String proof)
            throws DiskException {
        String p = DiskPaths.canonical(path);
        String hash = parseSha256(sha256);
        if (!MessageDigest.isEqual(
                expectedProof.getBytes(StandardCharsets.US_ASCII), proof.getBytes(StandardCharsets.US_ASCII))) {
            throw new DiskException(
                    ReplyCode.PRECONDITION_FAILED,
                    "proof of possession failed: that is not "
                            + "the HMAC-SHA256 of the whole content keyed by the nonce");
        }
        db.write(tx -> {
            proofFailures.clear(tx, ns.owner(), hash); // proved, whatever happens to the commit
            return null;
        });
        Entry entry = db.write(tx -> {
            if (!blobs.holds(hash, size)) { // deleted meanwhile: its last reference went
                throw new DiskException(
                        ReplyCode.CONFLICT, "the server no longer holds that content: PUT " + "again and send it");
            }
            Entry e = ns.putFile(tx, p, size, hash, Instant.now());
            Optional<Long> unfinished = tx.one(
                    "SELECT id FROM uploads WHERE owner = ? AND path = ? AND size = ? " + "AND sha256 = ?",
                    rs -> rs.getLong(1),
                    ns.owner(),
                    p,
                    size,
                    hash);
            if (unfinished.isPresent()) {
                tx.update("DELETE FROM uploads WHERE id = ?", unfinished.get());
                deleteQuietly(partFile(partsDir, unfinished.get()));
            }
            return e;
        });
        released.deleteUnreferencedQuietly();
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
                throw new DiskException(
                        ReplyCode.CONFLICT,
                        "the upload of " + t.path() + " is incomplete: " + part.position() + " of " + t.size()
                                + " bytes received");
            }
            String actual;
            try {
                actual = part.finish();
            } catch (IOException e) {
                throw storageFailure("cannot flush the part file of " + t.path(), e);
            }
            if (!actual.equals(t.sha256())) {
                discard(t);
                throw new DiskException(
                        ReplyCode.PRECONDITION_FAILED,
                        "SHA-256 mismatch: the bytes received " + "for " + t.path() + " hash to " + actual
                                + "; the upload was discarded, send it again");
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
        if (tx.one("SELECT 1 FROM uploads WHERE id = ? AND owner = ?", rs -> true, t.id(), ns.owner())
                .isEmpty()) {
            throw noSuchUpload(t);
        }
    }

    private static void requireSize(long size) throws DiskException {
        if (size < 0) {
            throw new DiskException(ReplyCode.BAD_REQUEST, "the size must not be negative");
        }
    }

    /** A SHA-256 in canonical form; anything else is refused (it names a blob file). */
    private static String parseSha256(String hex) throws DiskException {
        String canonical = Sha256.canonical(hex);
        if (canonical == null) {
            throw new DiskException(ReplyCode.BAD_REQUEST, "a SHA-256 is 64 hex digits");
        }
        return canonical;
    }

    private static DiskException noSuchUpload(Ticket t) {
        return new DiskException(
                ReplyCode.NOT_FOUND,
                "no upload of " + t.path() + " is in progress (it was "
                        + "committed, aborted or expired): begin it again");
    }

    static Path partFile(Path partsDir, long id) {
        return partsDir.resolve(id + ".part");
    }

    static DiskException storageFailure(String what, IOException e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        if (reason.contains("No space left on device")) {
            return new DiskException(ReplyCode.INSUFFICIENT_STORAGE, "disk full: " + what, e);
        }
        return new DiskException(ReplyCode.SERVER_ERROR, what + ": " + reason, e);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // garbage collection removes what is left
        }
    }
}
