package io.pooldisk.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/** Reads a range of a file in large strides (1 MiB), for hashing: few system calls, long runs for the digest. */
public final class FileChunks {

    private static final int CHUNK = 1 << 20;

    private FileChunks() {}

    /**
     * Hands {@code length} bytes of {@code file} from {@code offset} to {@code sink}, in order, a buffer at a time
     * (the buffer is reused: the sink takes its bytes before it returns). Fails if the file ends first.
     */
    public static void forEach(FileChannel file, long offset, long length, Consumer<ByteBuffer> sink)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(length, 1)));
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = file.read(buf, pos);
            if (n < 0) {
                throw new IOException("file ended at byte " + pos + " of " + end);
            }
            sink.accept(buf.flip());
            pos += n;
        }
    }
}
