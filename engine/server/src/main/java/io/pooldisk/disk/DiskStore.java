package io.pooldisk.disk;

import io.pooldisk.protocol.IoMessages;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * The storage of a data directory: {@code pooldisk.db} (users, namespaces, uploads), {@code blobs/} (content by
 * SHA-256) and {@code parts/} (uploads in progress). Every worker process opens its own; all of them share the
 * directory safely at once.
 */
public final class DiskStore implements AutoCloseable {

    private final Database db;
    private final BlobStore blobs;
    private final Path partsDir;
    private final SecureRandom random = new SecureRandom();
    private final InstantUploadPolicy instantUploads;
    private final ProofFailures proofFailures;

    private DiskStore(Database db, Path dataDir, InstantUploadPolicy instantUploads, Clock clock) {
        this.db = db;
        this.blobs = new BlobStore(dataDir.resolve("blobs"));
        this.partsDir = dataDir.resolve("parts");
        this.instantUploads = instantUploads;
        this.proofFailures = new ProofFailures(clock);
    }

    /**
     * Opens the data directory, creating or migrating what is missing, all of it owner-only ({@link OwnerOnly});
     * instant uploads of a user's own content.
     */
    public static DiskStore open(Path dataDir) throws DiskException {
        return open(dataDir, InstantUploadPolicy.OWN);
    }

    /** Opens the data directory, with the content users may upload instantly. */
    public static DiskStore open(Path dataDir, InstantUploadPolicy instantUploads) throws DiskException {
        return open(dataDir, instantUploads, Clock.systemUTC());
    }

    static DiskStore open(Path dataDir, InstantUploadPolicy instantUploads, Clock clock) throws DiskException {
        Path dir = dataDir.toAbsolutePath();
        try {
            OwnerOnly.directory(dir);
            OwnerOnly.directory(dir.resolve("blobs"));
            OwnerOnly.directory(dir.resolve("parts"));
        } catch (IOException e) {
            throw new DiskException(
                    ReplyCode.SERVER_ERROR, "cannot use data directory " + dir + ": " + IoMessages.reason(e), e);
        }
        return new DiskStore(Database.open(dir.resolve("pooldisk.db")), dir, instantUploads, clock);
    }

    /**
     * The database of the data directory, for the tables kept by a package above this one: the users' credentials and
     * quotas ({@code auth.Accounts}, which depends on this package and not the other way round).
     */
    public Database database() {
        return db;
    }

    /** The namespace of one user. */
    public FileTree files(String user) {
        return new FileTree(db, blobs, user);
    }

    public Uploads uploads(String user) {
        return new Uploads(db, blobs, partsDir, user, random, instantUploads, proofFailures);
    }

    /**
     * Deletes upload parts untouched for {@code partTtl}, blobs that no entry references, and counts of failed proofs
     * whose window has ended.
     */
    public GcReport collectGarbage(Duration partTtl) throws DiskException {
        return new GarbageCollector(db, blobs, partsDir, proofFailures).collect(partTtl);
    }

    @Override
    public void close() {
        db.close();
    }
}
