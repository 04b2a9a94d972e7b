package io.pooldisk.unix;

import jnr.ffi.Pointer;

/** poll(2) over a fixed set of descriptors, for a worker waiting on its client and its master at once. */
public final class Poll {

    public static final short IN = 0x1;
    public static final short ERR = 0x8;
    public static final short HUP = 0x10;
    public static final short NVAL = 0x20;
    public static final short RDHUP = 0x2000;

    private final int count;
    private final Pointer fds; // struct pollfd { int fd; short events; short revents; }

    public Poll(int... descriptors) {
        count = descriptors.length;
        fds = Native.allocate(8 * count);
        for (int i = 0; i < count; i++) {
            fds.putInt(8L * i, descriptors[i]);
            fds.putShort(8L * i + 4, IN);
        }
    }

    /** Watches another descriptor in place {@code index}. */
    public void setFd(int index, int fd) {
        fds.putInt(8L * index, fd);
    }

    /** Waits up to {@code timeoutMillis} (-1: forever); returns how many descriptors are ready, 0 on time-out. */
    public int await(int timeoutMillis) throws NativeException {
        for (int i = 0; i < count; i++) {
            fds.putShort(8L * i + 6, (short) 0);
        }
        int n = Native.C.poll(fds, count, timeoutMillis);
        if (n == -1) {
            if (Native.errno() == Native.EINTR) {
                return 0;
            }
            throw new NativeException("poll", Native.errno());
        }
        return n;
    }

    /** True when descriptor {@code index} is readable, at end of stream, or in error. */
    public boolean ready(int index) {
        return fds.getShort(8L * index + 6) != 0;
    }
}
