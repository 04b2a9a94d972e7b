package io.pooldisk.disk;

import io.pooldisk.protocol.PossessionProof;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * An instant upload on offer (see {@link Uploads#challengeInstant}): the nonce to send the client, and the stored
 * content, open, to compute the answer expected. Holding the blob open keeps its content readable even if its last
 * reference goes meanwhile.
 */
public final class InstantChallenge implements AutoCloseable {

    private final String path;
    private final long size;
    private final String sha256;
    private final String nonce;
    private final FileChannel blob;

    InstantChallenge(String path, long size, String sha256, String nonce, FileChannel blob) {
        this.path = path;
        this.size = size;
        this.sha256 = sha256;
        this.nonce = nonce;
        this.blob = blob;
    }

    public String path() {
        return path;
    }

    public long size() {
        return size;
    }

    public String sha256() {
        return sha256;
    }

    /** 64 hex digits, fresh from a SecureRandom for this one challenge. */
    public String nonce() {
        return nonce;
    }

    /**
     * Reads the whole stored content and returns the proof the client must send (hex), telling {@code progress} the
     * bytes read so far. One read of the blob: it may run while the client computes the same.
     */
    public String expectedProof(LongConsumer progress) throws DiskException {
        try {
            return PossessionProof.of(nonce, blob, size, progress);
        } catch (IOException e) {
            throw Uploads.storageFailure("cannot read the stored content of " + path, e);
        }
    }

    @Override
    public void close() {
        try {
            blob.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }
}
