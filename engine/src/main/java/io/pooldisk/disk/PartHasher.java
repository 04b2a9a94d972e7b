package io.pooldisk.disk;

import java.io.IOException;
import java.security.MessageDigest;

/**
 * Hashes an upload's blocks as they are received, on a thread of its own, straight from the receive buffers: the
 * bytes are never read back from the part file.
 */
final class PartHasher extends BlockStage {

    private final MessageDigest digest;

    /** {@code digest} already holds the bytes the part held before. */
    PartHasher(MessageDigest digest) {
        super("pooldisk-part-hasher");
        this.digest = digest;
        start();
    }

    @Override
    void process(Block block) {
        digest.update(block.bytes(block.from, block.fill));
    }

    /** Hashes every block submitted, and returns the digest. */
    byte[] finish() throws IOException {
        drain();
        if (failure() != null) {
            throw failure();
        }
        return digest.digest();
    }
}
