package io.pooldisk.disk;

import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.unix.DescriptorIo;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes an upload's part file at its end, hashing every byte on the way (on a {@link PartHasher}'s thread that
 * follows the writer), so that committing needs no second pass over the file.
 * Holds an exclusive lock on the part: one session at a time writes an upload, whichever process it runs in.
 * Opened by {@link Uploads#openPart}, closed by {@link Uploads#commit(PartWriter)} or {@link #close()}.
 */
public final class PartWriter implements AutoCloseable {

    private final Uploads.Ticket ticket;
    private final FileChannel channel;
    private final FileLock lock;
    private final PartHasher hasher;
    private long position;
    /** The part opened again for splice, or -1; and whether its filesystem refused splice. */
    private FileDescriptor spliceFd;

    private boolean spliceRefused;
    /** Where the last background flush began, and that flush while it runs. */
    private long flushedTo;

    private Future<?> flushing;
    private boolean closed;

    /**
     * Dirty bytes past which writing-back starts in the background: the commit's final fsync then finds little left,
     * so writing to disk overlaps receiving instead of following it.
     */
    private static final long FLUSH_EVERY = 64L << 20;

    private static final ExecutorService FLUSHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pooldisk-part-flusher");
        t.setDaemon(true);
        return t;
    });

    private PartWriter(Uploads.Ticket ticket, FileChannel channel, FileLock lock, MessageDigest digest, long position) {
        this.ticket = ticket;
        this.channel = channel;
        this.lock = lock;
        this.hasher = new PartHasher(channel, digest, position);
        this.position = position;
    }

    /** Locks the part and hashes what it already holds (a resumed upload's first bytes). */
    static PartWriter open(Uploads.Ticket ticket) throws DiskException {
        return open(ticket, -1, new byte[0]);
    }

    /**
     * Locks the part of an upload that another worker was receiving, which must hold exactly {@code expectedSize}
     * bytes (409 otherwise: another session wrote to it meanwhile), and goes on hashing from {@code hashState} over
     * them, or hashes them again when the state cannot be restored.
     */
    static PartWriter open(Uploads.Ticket ticket, long expectedSize, byte[] hashState) throws DiskException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(
                    ticket.partFile(),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    OwnerOnly.fileMode());
            FileLock lock = lockSoon(ch);
            if (lock == null) {
                throw new DiskException(
                        ReplyCode.CONFLICT, "another session is uploading " + ticket.path() + " right now");
            }
            long held = ch.size();
            if (expectedSize >= 0 && held != expectedSize) {
                throw new DiskException(
                        ReplyCode.CONFLICT,
                        "the upload of " + ticket.path() + " changed while " + "it waited: it holds " + held
                                + " bytes, not " + expectedSize);
            }
            if (held > ticket.size()) {
                ch.truncate(0); // not a prefix of this upload: start over
                held = 0;
            }
            MessageDigest md = expectedSize >= 0 ? DigestState.restore(hashState, held) : null;
            if (md == null) {
                md = Sha256.digest();
                Sha256.update(md, ch, 0, held);
            }
            return new PartWriter(ticket, ch, lock, md, held);
        } catch (IOException e) {
            closeQuietly(ch);
            throw Uploads.storageFailure("cannot open the part file of " + ticket.path(), e);
        } catch (DiskException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * How long a PUT waits for the part's lock before answering 409. A client that drops its connection and resumes
     * at once reaches the part while the worker of its old session is still noticing the drop; that worker lets go
     * within milliseconds. A session that really is uploading the file holds it much longer.
     */
    static final long LOCK_WAIT_MILLIS = 2_000;

    /** The part's lock, waiting up to {@link #LOCK_WAIT_MILLIS} for another session to let go of it; null if not. */
    private static FileLock lockSoon(FileChannel ch) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000;
        for (long pause = 2; ; pause = Math.min(pause * 2, 100)) {
            FileLock lock = tryLock(ch);
            if (lock != null || System.nanoTime() >= deadline) {
                return lock;
            }
            try {
                Thread.sleep(pause); // fcntl locks have no wait with a time limit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
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

    /** Bytes the part holds: where the next write goes. */
    public long position() {
        return position;
    }

    /** Writes all of {@code src}'s remaining bytes; refuses to go past the size the upload announced. */
    public void write(ByteBuffer src) throws DiskException {
        checkRoomFor(src.remaining());
        try {
            while (src.hasRemaining()) {
                position += channel.write(src, position);
            }
        } catch (IOException e) {
            throw Uploads.storageFailure("cannot write the part file of " + ticket.path(), e);
        } finally {
            advanced();
        }
    }

    /**
     * Moves {@code count} bytes from the pipe {@code pipeRead} into the part at its end, in the kernel (splice): the
     * bytes are never copied through this process. Returns false, having moved nothing, when the filesystem takes
     * no splice (EINVAL): the bytes are still in the pipe, and this part is written with {@link #write} from then on.
     */
    public boolean spliceFrom(int pipeRead, long count) throws DiskException {
        checkRoomFor(count);
        if (spliceRefused) {
            return false;
        }
        long moved = 0;
        try {
            if (spliceFd == null) {
                spliceFd = FileDescriptor.openForWriting(ticket.partFile());
            }
            while (moved < count) {
                moved += DescriptorIo.spliceToFile(pipeRead, spliceFd.intValue(), position + moved, count - moved);
            }
            return true;
        } catch (NativeException e) {
            if (e.errno() == Errors.EINVAL && moved == 0) {
                spliceRefused = true;
                return false;
            }
            throw Uploads.storageFailure("cannot write the part file of " + ticket.path(), e);
        } finally {
            position += moved;
            advanced();
        }
    }

    private void checkRoomFor(long count) throws DiskException {
        if (count > ticket.size() - position) {
            throw new DiskException(
                    ReplyCode.BAD_REQUEST, "more bytes than the " + ticket.size() + " announced for " + ticket.path());
        }
    }

    /** The part grew to {@code position}: the hasher follows, and write-back starts every {@link #FLUSH_EVERY}. */
    private void advanced() {
        hasher.writtenTo(position); // exactly the bytes now in the part, even after a failure
        if (position - flushedTo >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
            flushedTo = position;
            flushing = FLUSHER.submit(this::flushQuietly);
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

    /** The SHA-256 of everything written, flushed to disk first. Ends the hashing: call once. */
    String finish() throws IOException {
        String sha256 = Sha256.hex(hasher.finish());
        awaitFlush();
        channel.force(true);
        return sha256;
    }

    /**
     * Stops writing for now, with every byte written so far hashed, and lets go of the part: the SHA-256 state over
     * its bytes, for {@link Uploads#resumePart} in whichever process goes on (empty when this JDK's state cannot be
     * saved; the part is then hashed again there).
     */
    public byte[] suspend() throws DiskException {
        try {
            return DigestState.save(hasher.drain());
        } catch (IOException e) {
            throw Uploads.storageFailure("cannot read back the part file of " + ticket.path(), e);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hasher.stop();
        awaitFlush();
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        FileDescriptor.closeIfAny(
                spliceFd); // only after the lock: closing any descriptor of the file drops a POSIX lock
        spliceFd = null;
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
