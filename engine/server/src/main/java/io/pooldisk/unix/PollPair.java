package io.pooldisk.unix;

import jnr.ffi.Pointer;

/**
 * poll(2) on two descriptors at once, with one native pollfd array reused for every call: a worker waits on its
 * client's socket and on the master's socketpair together, so that the master can end any wait on a client. Unlike a
 * socket's receive time-out, which the kernel rounds up to its clock tick, poll's time-out is kept to about 50 µs.
 * Not thread-safe: one owner thread.
 */
public final class PollPair {

    public static final short IN = 0x1;
    public static final short OUT = 0x4;
    /** What {@link #await} answers: bits for the descriptors that are ready (or failed, or hung up). */
    public static final int FIRST = 1;

    public static final int SECOND = 2;

    // struct pollfd { int fd; short events; short revents; }, two of them.
    private static final int POLLFD_SIZE = 8;
    private final Pointer fds = DirectMemory.allocate(2 * POLLFD_SIZE);

    /** {@code second}: the descriptor every wait also watches for input. */
    public PollPair(int second) {
        fds.putInt(POLLFD_SIZE, second);
        fds.putShort(POLLFD_SIZE + 4, IN);
    }

    /**
     * Waits up to {@code timeoutMillis} (0: just look) until {@code first} is ready for {@code events} or the second
     * descriptor has input. Returns {@link #FIRST} and/or {@link #SECOND}, or 0 when the time passed (or a signal
     * interrupted the wait: the caller's deadline decides whether to wait again).
     */
    public int await(int first, short events, int timeoutMillis) throws NativeException {
        fds.putInt(0, first);
        fds.putShort(4, events);
        fds.putShort(6, (short) 0);
        fds.putShort(POLLFD_SIZE + 6, (short) 0);
        int n = Native.C.poll(fds, 2, timeoutMillis);
        if (n == -1 && Errors.errno() == Errors.EINTR) {
            return 0;
        }
        if (Errors.check("poll", n) == 0) {
            return 0;
        }
        return (fds.getShort(6) != 0 ? FIRST : 0) | (fds.getShort(POLLFD_SIZE + 6) != 0 ? SECOND : 0);
    }
}
