package io.pooldisk.unix;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * An open file descriptor and its owner's right to close it, as Netty's FileDescriptor: closing is idempotent and
 * happens once however many paths reach it, and the number is not handed out after the close, when the kernel may
 * already have given it to another file.
 */
public final class FileDescriptor implements AutoCloseable {

    private static final AtomicIntegerFieldUpdater<FileDescriptor> STATE =
            AtomicIntegerFieldUpdater.newUpdater(FileDescriptor.class, "state");
    private static final int OPEN = 0;
    private static final int CLOSED = 1;

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int MFD_CLOEXEC = 1;
    private static final int F_SETPIPE_SZ = 1031;

    private final int fd;
    /** An int with a field updater rather than an AtomicInteger: one object per descriptor, for the hand-off. */
    private volatile int state;

    /** Takes ownership of {@code fd}, an open descriptor. */
    public FileDescriptor(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        this.fd = fd;
    }

    /** The descriptor's number, for a call to use while this stays open. */
    public int intValue() {
        if (state == CLOSED) {
            throw new IllegalStateException("file descriptor " + fd + " used after it was closed");
        }
        return fd;
    }

    public boolean isOpen() {
        return state == OPEN;
    }

    /** Closes the descriptor the first time; later calls do nothing. */
    @Override
    public void close() {
        if (STATE.compareAndSet(this, OPEN, CLOSED)) {
            Native.C.close(fd); // not retried on EINTR: Linux has released the number whatever close answers
        }
    }

    /** Closes {@code fd} unless it is null. */
    public static void closeIfAny(FileDescriptor fd) {
        if (fd != null) {
            fd.close();
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (isOpen() ? "" : " (closed)");
    }

    /** Opens a file for reading; the descriptor is close-on-exec. */
    public static FileDescriptor openForReading(Path path) throws NativeException {
        return open(path, O_RDONLY | O_CLOEXEC);
    }

    /** Opens an existing file for writing (at explicit offsets); the descriptor is close-on-exec. */
    public static FileDescriptor openForWriting(Path path) throws NativeException {
        return open(path, O_WRONLY | O_CLOEXEC);
    }

    private static FileDescriptor open(Path path, int flags) throws NativeException {
        String name = path.toString();
        long fd = Errors.restarting((unused, address, count, f) -> Native.C.open(name, f, 0), -1, 0, 0, flags);
        return new FileDescriptor((int) Errors.orThrow("open " + path, fd));
    }

    /** An anonymous file in memory (memfd_create), close-on-exec: for bytes that must travel as a descriptor. */
    public static FileDescriptor memfd(String name) throws NativeException {
        return new FileDescriptor((int) Errors.check("memfd_create", Native.C.memfd_create(name, MFD_CLOEXEC)));
    }

    /**
     * A close-on-exec pipe for splice, {read end, write end}, asked to hold {@code bytes} (F_SETPIPE_SZ; where the
     * system allows less, it keeps its default and splice simply moves less a call).
     */
    public static FileDescriptor[] pipe(int bytes) throws NativeException {
        int[] fds = new int[2];
        Errors.check("pipe2", Native.C.pipe2(fds, O_CLOEXEC));
        Native.C.fcntl(fds[1], F_SETPIPE_SZ, bytes);
        return pair(fds);
    }

    static FileDescriptor[] pair(int[] fds) {
        return new FileDescriptor[] {new FileDescriptor(fds[0]), new FileDescriptor(fds[1])};
    }
}
