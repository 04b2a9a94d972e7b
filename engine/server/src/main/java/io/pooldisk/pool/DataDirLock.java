package io.pooldisk.pool;

import io.pooldisk.disk.OwnerOnly;
import io.pooldisk.protocol.IoMessages;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per data directory: an exclusive lock on {@code server.lock}, which also records the holder's pid. The
 * kernel drops the lock when the process dies, so a crashed server never blocks the next one.
 */
final class DataDirLock {

    private final FileChannel channel;
    private final FileLock lock;
    private final String looserMode;

    private DataDirLock(FileChannel channel, FileLock lock, String looserMode) {
        this.channel = channel;
        this.lock = lock;
        this.looserMode = looserMode;
    }

    /** Makes the data directory owner-only ({@link OwnerOnly}), then locks it. */
    static DataDirLock acquire(Path dataDir) throws PoolStartException {
        String looser;
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new PoolStartException("cannot use data directory " + dataDir + ": it is a file, not a directory");
        }
        try {
            looser = OwnerOnly.directory(dataDir);
            if (!Files.isWritable(dataDir)) {
                throw new IOException("not writable");
            }
        } catch (IOException e) {
            throw new PoolStartException("cannot use data directory " + dataDir + ": " + describe(e));
        }
        Path file = DataDirs.lockFile(dataDir);
        FileChannel channel = null;
        try {
            OwnerOnly.file(file);
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by a server in this same process
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                channel.close();
                throw new PoolStartException("data directory " + dataDir + " is in use by another PoolDisk server"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")"));
            }
            channel.truncate(0);
            channel.write(
                    java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            return new DataDirLock(channel, lock, looser);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new PoolStartException("cannot lock data directory " + dataDir + ": " + describe(e));
        }
    }

    /** The mode the data directory had before it was made 0700 ("rwxr-xr-x"), or null when it was 0700 already. */
    String looserMode() {
        return looserMode;
    }

    private static String describe(IOException e) {
        return IoMessages.reason(e);
    }

    void release() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
