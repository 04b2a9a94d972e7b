package io.pooldisk.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * Hashes an upload's part file on a thread of its own, following the writer through the page cache: receiving and
 * writing go on while the bytes written so far are hashed, instead of one after the other on the writer's thread.
 */
final class PartHasher {

    private static final int CHUNK = 1 << 20;

    private final FileChannel channel;
    private final MessageDigest digest;
    private final Thread thread;
    private final Object lock = new Object();
    /** Touched only by the hashing thread. */
    private long hashedTo;

    private long writtenTo;
    private boolean writerDone;
    private boolean stopped;
    private IOException failure;

    /** Starts hashing {@code channel} from {@code from}; {@code digest} already holds the bytes before it. */
    PartHasher(FileChannel channel, MessageDigest digest, long from) {
        this.channel = channel;
        this.digest = digest;
        this.hashedTo = from;
        this.writtenTo = from;
        this.thread = new Thread(this::run, "pooldisk-part-hasher");
        thread.setDaemon(true);
        thread.start();
    }

    /** The writer has put every byte before {@code position} in the file. */
    void writtenTo(long position) {
        synchronized (lock) {
            writtenTo = position;
            lock.notifyAll();
        }
    }

    /** Waits until every written byte is hashed, and returns the digest. */
    byte[] finish() throws IOException {
        return drain().digest();
    }

    /**
     * Waits until every written byte is hashed and ends the hashing thread: the digest over all of them, still open
     * for more (an upload that goes on in another process saves its state).
     */
    MessageDigest drain() throws IOException {
        synchronized (lock) {
            writerDone = true;
            lock.notifyAll();
        }
        join();
        if (failure != null) {
            throw failure;
        }
        return digest;
    }

    /** Gives up (the upload stopped before its end); the part keeps its bytes for a resume. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        join();
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        try {
            while (true) {
                long target;
                synchronized (lock) {
                    while (!stopped && !writerDone && hashedTo >= writtenTo) {
                        lock.wait();
                    }
                    if (stopped || hashedTo >= writtenTo) {
                        return;
                    }
                    target = writtenTo;
                }
                while (hashedTo < target) {
                    buf.clear().limit((int) Math.min(CHUNK, target - hashedTo));
                    int n = channel.read(buf, hashedTo);
                    if (n <= 0) {
                        throw new IOException("the part file is shorter than what was written to it");
                    }
                    digest.update(buf.flip());
                    hashedTo += n;
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
