package io.pooldisk.disk;

import io.pooldisk.protocol.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test content: reproducible bytes, their SHA-256, and uploads done the way a worker does them. */
final class Content {

    private Content() {}

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

    /** What a download of {@code path} sends, read through the descriptor it holds open. */
    static byte[] stored(FileTree files, String path) throws DiskException, IOException {
        try (Download d = files.openForDownload(path)) {
            return read(d);
        }
    }

    static byte[] read(Download d) throws IOException {
        return Files.readAllBytes(Path.of("/proc/self/fd/" + d.fd().intValue()));
    }

    /** Where the blob of that content lives in data directory {@code data}. */
    static Path blob(Path data, String sha256) {
        return data.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256);
    }
}
