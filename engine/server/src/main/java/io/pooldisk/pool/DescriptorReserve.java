package io.pooldisk.pool;

import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The master's answer to running out of file descriptors, after nginx and libuv: one descriptor held in reserve.
 * When accept fails with EMFILE, the listener stays readable with a connection the loop cannot take, and a
 * level-triggered loop spins on it; giving up the reserve lets the master take that connection, tell it ERR 503 and
 * close it, then take the reserve back. It also sizes how many sessions the process can hold with room to spare.
 */
final class DescriptorReserve implements AutoCloseable {

    /**
     * Descriptors kept free beyond the sessions' own: two per worker for its socketpair, one per parked transfer
     * (a download's file, a memfd of replies) arriving with a hand-back, the control socket's clients, the log.
     */
    private static final int SPARE_PER_WORKER = 2;

    private static final int SPARE = 64;

    private FileDescriptor fd;

    DescriptorReserve() {
        take();
    }

    /** Gives the reserve up, so that the next call that needs a descriptor gets one. */
    void release() {
        FileDescriptor.closeIfAny(fd);
        fd = null;
    }

    /** Takes the reserve back; false while the process still has none to spare. */
    boolean take() {
        if (fd == null) {
            try {
                fd = FileDescriptor.openForReading(Path.of("/dev/null"));
            } catch (NativeException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        release();
    }

    /**
     * The most sessions this process can hold and still spawn {@code workers} workers and take their hand-backs:
     * the descriptor limit, less what is open now and the spare. {@link Integer#MAX_VALUE} when the limit is
     * unknown or unlimited.
     */
    static int sessionCapacity(int workers) {
        long limit = openFileLimit();
        if (limit == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        long room = limit - openNow() - (long) SPARE_PER_WORKER * workers - SPARE;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, room));
    }

    /** RLIMIT_NOFILE's soft limit, as /proc/self/limits shows it (the JVM raises it to the hard one at start). */
    static long openFileLimit() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits"))) {
            return lines.filter(l -> l.startsWith("Max open files"))
                    .findFirst()
                    .map(l -> l.substring("Max open files".length()).trim().split("\\s+")[0])
                    .map(soft -> soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft))
                    .orElse(Long.MAX_VALUE);
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long openNow() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
