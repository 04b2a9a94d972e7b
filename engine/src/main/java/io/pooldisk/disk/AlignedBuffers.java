package io.pooldisk.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Page-aligned direct buffers, as direct I/O needs them, kept for the next upload: a worker writes one upload at a
 * time, so it allocates them once instead of once per upload.
 */
final class AlignedBuffers {

    /** Covers the block size of the filesystems PartWriter writes directly to (it checks). */
    static final int ALIGNMENT = 4096;
    /** Buffers kept at most; more come and go with the garbage collector. */
    private static final int KEPT = 4;
    private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();

    private AlignedBuffers() {
    }

    /** A cleared buffer of {@code size} bytes whose first byte is at an address multiple of {@link #ALIGNMENT}. */
    static ByteBuffer take(int size) {
        ByteBuffer kept = FREE.poll();
        if (kept != null && kept.capacity() == size) {
            return kept.clear();
        }
        return ByteBuffer.allocateDirect(size + ALIGNMENT).alignedSlice(ALIGNMENT).limit(size).slice();
    }

    static void give(ByteBuffer buffer) {
        if (FREE.size() < KEPT) {
            FREE.add(buffer);
        }
    }
}
