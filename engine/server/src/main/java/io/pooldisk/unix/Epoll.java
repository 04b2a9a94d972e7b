package io.pooldisk.unix;

import jnr.ffi.Pointer;

/**
 * An epoll instance, as the seed's master uses it. Registrations carry the descriptor itself as their data. Not
 * thread-safe: one owner thread waits and changes registrations. Other threads wake it with {@link #wakeup()}.
 */
public final class Epoll implements AutoCloseable {

    public static final int IN = 0x1;
    public static final int OUT = 0x4;
    public static final int ERR = 0x8;
    public static final int HUP = 0x10;
    public static final int RDHUP = 0x2000;
    public static final int ONESHOT = 1 << 30;
    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    private static final int CTL_MOD = 3;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;

    /** struct epoll_event is packed on x86_64 (12 bytes), naturally aligned elsewhere (16 bytes). */
    private static final int EVENT_SIZE = Native.X86_64 ? 12 : 16;

    private static final int DATA_OFFSET = Native.X86_64 ? 4 : 8;

    private final FileDescriptor epfd;
    private final FileDescriptor wakeFd;
    /** The eventfd's number, for {@link #wakeup} from other threads and for telling its events apart. */
    private final int wakeNumber;

    private final int capacity;
    private final Pointer events;
    private final Pointer ctlEvent = DirectMemory.allocate(16);
    /** The eventfd's counter: {@link #one} is only ever read (by wakers), {@link #drained} only by the owner. */
    private final Pointer one = DirectMemory.allocate(8);

    private final Pointer drained = DirectMemory.allocate(8);

    public Epoll(int capacity) throws NativeException {
        this.capacity = capacity;
        this.events = DirectMemory.allocate(capacity * EVENT_SIZE);
        this.epfd = new FileDescriptor((int) Errors.check("epoll_create1", Native.C.epoll_create1(EPOLL_CLOEXEC)));
        this.wakeFd =
                new FileDescriptor((int) Errors.check("eventfd", Native.C.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)));
        this.wakeNumber = wakeFd.intValue();
        add(wakeNumber, IN);
        one.putLong(0, 1L);
    }

    public void add(int fd, int interest) throws NativeException {
        ctl(CTL_ADD, fd, interest);
    }

    public void modify(int fd, int interest) throws NativeException {
        ctl(CTL_MOD, fd, interest);
    }

    /** Removes a registration; quiet when it is already gone. Call it before closing a descriptor others share. */
    public void remove(int fd) {
        Native.C.epoll_ctl(epfd.intValue(), CTL_DEL, fd, ctlEvent);
    }

    private void ctl(int op, int fd, int interest) throws NativeException {
        ctlEvent.putInt(0, interest);
        ctlEvent.putLong(DATA_OFFSET, fd);
        Errors.check("epoll_ctl", Native.C.epoll_ctl(epfd.intValue(), op, fd, ctlEvent));
    }

    /**
     * Waits up to {@code timeoutMillis} for events; returns how many are ready. The wake-up descriptor is drained here
     * and reported as an event like any other, with {@link #isWakeup(int)} true.
     */
    public int await(int timeoutMillis) throws NativeException {
        int n = Native.C.epoll_wait(epfd.intValue(), events, capacity, timeoutMillis);
        if (n == -1 && Errors.errno() == Errors.EINTR) {
            return 0;
        }
        return (int) Errors.check("epoll_wait", n);
    }

    public int fd(int index) {
        return (int) events.getLong((long) index * EVENT_SIZE + DATA_OFFSET);
    }

    public int events(int index) {
        return events.getInt((long) index * EVENT_SIZE);
    }

    /** True for the wake-up event; drains it so the next wakeup() wakes again. */
    public boolean isWakeup(int index) {
        if (fd(index) != wakeNumber) {
            return false;
        }
        Native.C.read(wakeNumber, drained.address(), 8);
        return true;
    }

    /** Makes a waiting {@link #await} return; safe from any thread. */
    public void wakeup() {
        if (wakeFd.isOpen()) {
            Native.C.write(wakeNumber, one.address(), 8); // a wake-up that races close() is lost, and not needed
        }
    }

    @Override
    public void close() {
        wakeFd.close();
        epfd.close();
    }
}
