package io.pooldisk.disk;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes an upload's blocks to its part file, in order, on a thread of its own. Whole aligned runs go with direct
 * I/O (O_DIRECT): no copy into fresh page-cache pages, which costs more CPU than anything else an upload does here,
 * and no second copy for the hasher to read back. Only the unaligned end of what was received goes through the page
 * cache. Where the filesystem refuses direct I/O, everything does.
 */
final class BlockWriter extends BlockStage {

    /** Set to false to write through the page cache only (a switch for operators, and for tests of that path). */
    static final String DIRECT_IO_PROPERTY = "pooldisk.directIo";
    /**
     * Written bytes past which a flush starts in the background: the commit's final fsync then finds little left to
     * push out of the device's cache, so that overlaps receiving instead of following it.
     */
    private static final long FLUSH_EVERY = 64L << 20;
    private static final ExecutorService FLUSHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pooldisk-part-flusher");
        t.setDaemon(true);
        return t;
    });

    private final FileChannel channel;
    /** The same file opened for direct I/O, or null. */
    private volatile FileChannel direct;
    /** The part holds every byte before this: what is left after a failure. */
    private volatile long writtenTo;
    private long flushedTo;
    private Future<?> flushing;

    BlockWriter(FileChannel channel, Path part, long writtenTo) {
        super("pooldisk-part-writer");
        this.channel = channel;
        this.direct = openDirect(part);
        this.writtenTo = writtenTo;
        this.flushedTo = writtenTo;
        start();
    }

    /** The part opened for direct I/O, or null where that is switched off or refused. */
    private static FileChannel openDirect(Path part) {
        if (!Boolean.parseBoolean(System.getProperty(DIRECT_IO_PROPERTY, "true"))) {
            return null;
        }
        try {
            long blockSize = Files.getFileStore(part).getBlockSize();
            if (blockSize <= 0 || AlignedBuffers.ALIGNMENT % blockSize != 0) {
                return null;
            }
            return FileChannel.open(part, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    boolean writesDirectly() {
        return direct != null;
    }

    @Override
    void process(Block block) throws IOException {
        int start = block.from;
        int directEnd = direct == null ? 0 : alignDown(block.fill);
        if (directEnd > start) {
            int directStart = alignDown(start); // rewrites a resumed part's partial block with the same bytes
            if (writeDirect(block.bytes(directStart, directEnd), block.offset + directStart)) {
                start = directEnd;
            }
        }
        if (block.fill > start) {
            writeFully(channel, block.bytes(start, block.fill), block.offset + start);
        }
        writtenTo = block.offset + block.fill;
        if (writtenTo - flushedTo >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
            flushedTo = writtenTo;
            flushing = FLUSHER.submit(this::flushQuietly);
        }
    }

    /** False when the filesystem turned direct I/O down (EINVAL): it is off for the rest of this part. */
    private boolean writeDirect(ByteBuffer bytes, long at) throws IOException {
        try {
            writeFully(direct, bytes, at);
            return true;
        } catch (IOException e) {
            if (!"Invalid argument".equals(e.getMessage())) {
                throw e;
            }
            closeDirect();
            return false;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer bytes, long at) throws IOException {
        long position = at;
        while (bytes.hasRemaining()) {
            position += ch.write(bytes, position);
        }
    }

    private static int alignDown(int index) {
        return index & -AlignedBuffers.ALIGNMENT;
    }

    long writtenTo() {
        return writtenTo;
    }

    /** Writes every block submitted and flushes the part to disk. */
    void finish() throws IOException {
        drain();
        awaitFlush();
        if (failure() != null) {
            throw failure();
        }
        channel.force(true);
    }

    /** Writes every block submitted, as far as the disk lets it, and lets go of the direct channel. */
    void stop() {
        drain();
        awaitFlush();
        closeDirect();
    }

    private void closeDirect() {
        if (direct != null) {
            try {
                direct.close();
            } catch (IOException ignored) {
                // it wrote nothing that is not also the main channel's now
            }
            direct = null;
        }
    }

    private void flushQuietly() {
        try {
            channel.force(false);
        } catch (IOException ignored) {
            // only an early start: finish() flushes for real and reports failures
        }
    }

    private void awaitFlush() {
        if (flushing != null) {
            try {
                flushing.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException ignored) {
                // flushQuietly throws nothing
            }
        }
    }
}
