package io.pooldisk.unix;

/**
 * errno, as Netty's Errors has it: the one place a failed call becomes a {@link NativeException}
 * ({@link #orThrow}), and the one loop that makes a call again when a signal interrupted it ({@link #restarting}).
 */
public final class Errors {

    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;

    private Errors() {}

    /** A call that returns a count or a descriptor, or -1 with errno set: read, send, recvmsg, accept4 and the like. */
    @FunctionalInterface
    interface Call {
        long invoke(int fd, long address, long count, int flags);
    }

    /**
     * Makes {@code call}, again for as long as a signal interrupts it (EINTR). Returns its result, or {@code -errno}
     * when it failed otherwise, so that callers for whom a failure is routine (EAGAIN, a reset) need no exception.
     * Give it calls held in constants: a lambda that captures nothing is not allocated per call.
     */
    static long restarting(Call call, int fd, long address, long count, int flags) {
        while (true) {
            long result = call.invoke(fd, address, count, flags);
            if (result >= 0) {
                return result;
            }
            int err = errno();
            if (err != EINTR) {
                return -err;
            }
        }
    }

    /** A result as {@link #restarting} gives it: itself, or, for {@code -errno}, a {@link NativeException}. */
    static long orThrow(String call, long result) throws NativeException {
        if (result < 0) {
            throw new NativeException(call, (int) -result);
        }
        return result;
    }

    /** A result of a call made once: itself, or, for -1, a {@link NativeException} with errno. */
    static long check(String call, long result) throws NativeException {
        return result == -1 ? orThrow(call, -errno()) : result;
    }

    /** errno of this thread's last call into the C library. */
    static int errno() {
        return Native.RUNTIME.getLastError();
    }
}
