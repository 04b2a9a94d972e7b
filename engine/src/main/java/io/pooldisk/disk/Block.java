package io.pooldisk.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run of an upload's bytes in an aligned buffer: byte {@code i} of the buffer is byte {@code offset + i} of the part,
 * and {@code offset} is aligned, so the block can be written with direct I/O. It goes from the receiver to every
 * {@link BlockStage} (hashing, writing) and back to its free queue when the last of them is done with it.
 */
final class Block {

    /** Marks the end of a stage's input. */
    static final Block END = new Block(ByteBuffer.allocate(0), null);

    final ByteBuffer buffer;
    private final BlockingQueue<Block> free;
    private final AtomicInteger users = new AtomicInteger();
    /** Where byte 0 of the buffer goes in the part. */
    long offset;
    /** Bytes before this index were in the part already (a resumed upload's partial last block), not received. */
    int from;
    /** Bytes of the buffer that hold data. */
    int fill;

    Block(ByteBuffer buffer, BlockingQueue<Block> free) {
        this.buffer = buffer;
        this.free = free;
    }

    /** Bytes {@code start} to {@code end} of the buffer, as a buffer of their own. */
    ByteBuffer bytes(int start, int end) {
        return buffer.slice(start, end - start);
    }

    void handTo(int stages) {
        users.set(stages);
    }

    /** A stage is done with it; the last one makes it free again. */
    void release() {
        if (users.decrementAndGet() == 0) {
            free.add(this);
        }
    }
}
