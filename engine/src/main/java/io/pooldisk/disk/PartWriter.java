package io.pooldisk.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes an upload's part file at its end. Received bytes go into blocks that it lends ({@link #room}, then
 * {@link #filled}); each full block is hashed ({@link PartHasher}) and written ({@link BlockWriter}) on threads of
 * their own while the next ones are received, so that committing needs no second pass over the file.
 * Holds an exclusive lock on the part: one session at a time writes an upload, whichever process it runs in.
 * Opened by {@link Uploads#openPart}, closed by {@link Uploads#commit(PartWriter)} or {@link #close()}; closing
 * writes every byte received, so a resumed upload goes on at the byte after them.
 */
public final class PartWriter implements AutoCloseable {

    /** Bytes a block holds: large reads, and large direct writes (1 MiB blocks cost the writer 60% more CPU). */
    private static final int BLOCK_BYTES = 2 << 20;
    /** Blocks in use at most: some being hashed and written while the next is filled. A small upload needs one. */
    private static final int BLOCKS = 4;

    private final Uploads.Ticket ticket;
    private final FileChannel channel;
    private final FileLock lock;
    private final PartHasher hasher;
    private final BlockWriter writer;
    private final BlockingQueue<Block> free = new ArrayBlockingQueue<>(BLOCKS);
    private final List<Block> blocks = new ArrayList<>(BLOCKS);
    /** The block being filled, or null. */
    private Block current;
    /** Where the next block starts in the part: always aligned. */
    private long nextOffset;
    private long position;

    private PartWriter(Uploads.Ticket ticket, FileChannel channel, FileLock lock, MessageDigest digest,
            long position) {
        this.ticket = ticket;
        this.channel = channel;
        this.lock = lock;
        this.position = position;
        this.nextOffset = position - position % AlignedBuffers.ALIGNMENT;
        this.hasher = new PartHasher(digest);
        this.writer = new BlockWriter(channel, ticket.partFile(), position);
    }

    /** Locks the part and hashes what it already holds (a resumed upload's first bytes). */
    static PartWriter open(Uploads.Ticket ticket) throws DiskException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(ticket.partFile(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(ch);
            if (lock == null) {
                throw new DiskException(DiskException.CONFLICT, "another session is uploading " + ticket.path()
                        + " right now");
            }
            if (ch.size() > ticket.size()) {
                ch.truncate(0); // not a prefix of this upload: start over
            }
            MessageDigest md = Sha256.digest();
            long held = ch.size();
            Sha256.update(md, ch, 0, held);
            return new PartWriter(ticket, ch, lock, md, held);
        } catch (IOException e) {
            closeQuietly(ch);
            throw Uploads.storageFailure("cannot open the part file of " + ticket.path(), e);
        } catch (DiskException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held through another channel of this same process
        }
    }

    public Uploads.Ticket ticket() {
        return ticket;
    }

    /** Bytes received: where the next byte goes. */
    public long position() {
        return position;
    }

    /** True when whole blocks bypass the page cache (direct I/O); false where the filesystem refused it. */
    public boolean writesDirectly() {
        return writer.writesDirectly();
    }

    /**
     * Room for the next bytes of the upload: a buffer to fill from its position, up to its limit, which is never past
     * the size the upload announced. Call {@link #filled} after putting bytes in it; do not keep it after that.
     * Waits while every block is still being hashed or written.
     */
    public ByteBuffer room() throws DiskException {
        checkStages();
        if (current == null) {
            current = nextBlock();
        }
        ByteBuffer b = current.buffer;
        b.limit((int) Math.min(b.capacity(), current.fill + (ticket.size() - position)));
        return b.position(current.fill);
    }

    /** Counts the bytes put in the buffer {@link #room} lent, up to its position; a full block goes on to the disk. */
    public void filled(ByteBuffer room) throws DiskException {
        if (room != current.buffer || room.position() < current.fill) {
            throw new IllegalStateException("filled() takes the buffer room() lent, after adding bytes to it");
        }
        position += room.position() - current.fill;
        current.fill = room.position();
        if (current.fill == room.capacity() || position == ticket.size()) {
            dispatch();
        }
    }

    /** Writes all of {@code src}'s remaining bytes; refuses to go past the size the upload announced. */
    public void write(ByteBuffer src) throws DiskException {
        if (src.remaining() > ticket.size() - position) {
            throw new DiskException(DiskException.BAD_REQUEST, "more bytes than the " + ticket.size()
                    + " announced for " + ticket.path());
        }
        while (src.hasRemaining()) {
            ByteBuffer room = room();
            int n = Math.min(room.remaining(), src.remaining());
            room.put(src.slice(src.position(), n));
            src.position(src.position() + n);
            filled(room);
        }
    }

    private Block nextBlock() throws DiskException {
        Block b = free.poll();
        if (b == null && blocks.size() < BLOCKS) {
            b = new Block(AlignedBuffers.take(BLOCK_BYTES), free);
            blocks.add(b);
        }
        try {
            if (b == null) {
                b = free.take(); // the stages release every block, even after a failure
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiskException(DiskException.STORAGE_FAILURE, "interrupted writing " + ticket.path());
        }
        b.offset = nextOffset;
        b.from = (int) (position - nextOffset);
        b.fill = b.from;
        nextOffset += b.buffer.capacity();
        if (b.from > 0) { // the part ends inside this block: its first bytes come from the file
            try {
                ByteBuffer head = b.bytes(0, b.from);
                while (head.hasRemaining()) {
                    if (channel.read(head, b.offset + head.position()) < 0) {
                        throw new IOException("the part file is shorter than it was");
                    }
                }
            } catch (IOException e) {
                free.add(b);
                throw Uploads.storageFailure("cannot read the part file of " + ticket.path(), e);
            }
        }
        return b;
    }

    private void dispatch() {
        Block b = current;
        current = null;
        if (b.fill == b.from) {
            free.add(b); // nothing received in it
            return;
        }
        b.handTo(2);
        hasher.submit(b);
        writer.submit(b);
    }

    private void checkStages() throws DiskException {
        IOException failure = writer.failure() != null ? writer.failure() : hasher.failure();
        if (failure != null) {
            throw Uploads.storageFailure("cannot write the part file of " + ticket.path(), failure);
        }
    }

    /** The SHA-256 of everything received, written and flushed to disk first. Ends the writing: call once. */
    String finish() throws IOException {
        if (current != null) {
            dispatch();
        }
        byte[] digest = hasher.finish();
        writer.finish();
        return Sha256.hex(digest);
    }

    @Override
    public void close() {
        if (current != null) {
            dispatch(); // the part keeps every byte received
        }
        hasher.drain();
        writer.stop();
        if (writer.failure() != null) {
            truncateQuietly(writer.writtenTo()); // what a failed write left past the bytes before it
        }
        for (Block b : blocks) {
            AlignedBuffers.give(b.buffer);
        }
        blocks.clear();
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private void truncateQuietly(long size) {
        try {
            channel.truncate(size);
        } catch (IOException ignored) {
            // a resume then starts after bytes that may be wrong; the hash check refuses them at the commit
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was written through it that matters now
            }
        }
    }
}
