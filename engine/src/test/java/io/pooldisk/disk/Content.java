package io.pooldisk.disk;

import io.pooldisk.protocol.Sha256;

import java.nio.ByteBuffer;
import java.util.Random;

/** Test content: reproducible bytes, their SHA-256, and uploads done the way a worker does them. */
final class Content {

    private Content() {
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] content) {
        return Sha256.hex(Sha256.digest().digest(content));
    }

    /** Uploads all of {@code content} to {@code path} in one go. */
    static Entry put(Uploads uploads, String path, byte[] content) throws DiskException {
        Uploads.Ticket t = uploads.begin(path, content.length, sha256(content));
        PartWriter w = uploads.openPart(t);
        w.write(ByteBuffer.wrap(content, (int) w.position(), content.length - (int) w.position()));
        return uploads.commit(w);
    }
}
