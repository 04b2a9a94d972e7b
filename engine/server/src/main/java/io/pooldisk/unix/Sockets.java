package io.pooldisk.unix;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import jnr.ffi.Pointer;

/** Sockets: socketpairs, accepting connections, reading what waits on one, and the options PoolDisk sets. */
public final class Sockets {

    static final int AF_UNIX = 1;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOCK_NONBLOCK = 0x800;
    static final int MSG_PEEK = 0x2;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    private static final int O_NONBLOCK = 0x800;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int SHUT_RDWR = 2;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    /** sizeof(struct sockaddr_storage); the socklen_t that accept4 fills in is kept just after it. */
    private static final int SOCKADDR_BYTES = 128;

    private static final Errors.Call ACCEPT =
            (fd, address, lengthAddress, flags) -> Native.C.accept4(fd, address, lengthAddress, flags);
    private static final Errors.Call RECV = (fd, address, count, flags) -> Native.C.recv(fd, address, count, flags);

    private Sockets() {}

    /** A connected pair of close-on-exec UNIX sockets: a message-boundary-keeping pipe between master and worker. */
    public static FileDescriptor[] seqpacketPair() throws NativeException {
        int[] sv = new int[2];
        Errors.check("socketpair", Native.C.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
        return FileDescriptor.pair(sv);
    }

    public static void setNonBlocking(int fd, boolean on) throws NativeException {
        int flags = (int) Errors.check("fcntl(F_GETFL)", Native.C.fcntl(fd, F_GETFL, 0));
        int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        if (wanted != flags) {
            Errors.check("fcntl(F_SETFL)", Native.C.fcntl(fd, F_SETFL, wanted));
        }
    }

    /** A connection taken from a listening socket: its descriptor and the peer's address as "host:port". */
    public record Accepted(FileDescriptor fd, String peer) {}

    /**
     * The seed's accept, on a non-blocking listening socket: the new connection is non-blocking and close-on-exec.
     * Non-blocking for the master and every worker alike (the flag belongs to the open socket): nobody ever sleeps in a
     * read or a write on a client, only in a poll that the master can cut short (docs/ARCHITECTURE.md, "A worker never
     * waits on a client"). Returns null when no connection is waiting. {@code scratch}: from {@link #allocateSockaddr}.
     */
    public static Accepted accept(int listenFd, SockaddrBuffer scratch) throws NativeException {
        Pointer sockaddr = scratch.memory;
        while (true) {
            sockaddr.putInt(SOCKADDR_BYTES, SOCKADDR_BYTES); // socklen_t in/out
            long fd = Errors.restarting(
                    ACCEPT,
                    listenFd,
                    sockaddr.address(),
                    sockaddr.address() + SOCKADDR_BYTES,
                    SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0) {
                return new Accepted(new FileDescriptor((int) fd), AddressText.of(sockaddr));
            }
            if (fd == -Errors.EAGAIN) {
                return null;
            }
            if (fd != -Errors.ECONNABORTED) {
                Errors.orThrow("accept4", fd);
            }
        }
    }

    /** Scratch for {@link #accept}: a struct sockaddr_storage and its length. */
    public static SockaddrBuffer allocateSockaddr() {
        return new SockaddrBuffer(DirectMemory.allocate(SOCKADDR_BYTES + 4));
    }

    /**
     * Receives without waiting into {@code scratch} from 0, taking the bytes ({@code peek} false) or leaving them for
     * the next reader: the bytes received (at most {@code max}; the buffer's limit is set to it), 0 at end of stream,
     * -1 when nothing waits yet.
     */
    public static int receiveNow(int fd, ByteBuffer scratch, int max, boolean peek) throws NativeException {
        int flags = (peek ? MSG_PEEK : 0) | MSG_DONTWAIT;
        long n = Errors.restarting(RECV, fd, DirectMemory.address(scratch), Math.min(max, scratch.capacity()), flags);
        java.lang.ref.Reference.reachabilityFence(scratch);
        int received = n == -Errors.EAGAIN ? -1 : (int) Errors.orThrow("recv", n);
        scratch.clear().limit(Math.max(received, 0));
        return received;
    }

    /** Reads and discards (into {@code scratch}) whatever input is already waiting, without blocking. */
    public static void drainInput(int fd, ByteBuffer scratch) {
        long at = DirectMemory.address(scratch);
        for (int i = 0; i < 64 && Native.C.recv(fd, at, scratch.capacity(), MSG_DONTWAIT) > 0; i++) {
            scratch.clear();
        }
        java.lang.ref.Reference.reachabilityFence(scratch);
    }

    /** Writes a short message on a connection without blocking; what does not fit is dropped. */
    public static void writeBestEffort(int fd, ByteBuffer direct) {
        Native.C.send(
                fd, DirectMemory.address(direct) + direct.position(), direct.remaining(), MSG_DONTWAIT | MSG_NOSIGNAL);
        java.lang.ref.Reference.reachabilityFence(direct);
    }

    public static void shutdown(int fd) {
        Native.C.shutdown(fd, SHUT_RDWR);
    }

    public static void setTcpNoDelay(int fd) {
        Native.C.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, new int[] {1}, 4);
    }

    /** The TCP port of a service name from the services database (getservbyname), or -1 when unknown. */
    public static int servicePort(String name) {
        Pointer servent = Native.C.getservbyname(name, "tcp");
        if (servent == null) {
            return -1;
        }
        // struct servent { char *s_name; char **s_aliases; int s_port; ... }: the port is in network byte order.
        int port = servent.getInt(2L * Native.RUNTIME.addressSize());
        return ((port & 0xff) << 8) | ((port >> 8) & 0xff);
    }

    private static final Method FD_VAL = fdValMethod();

    private static Method fdValMethod() {
        try {
            return Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * The int descriptor behind a JDK socket channel, which the channel owns. Needs
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the executable jar's manifest carries it).
     */
    public static int fdOf(Channel channel) {
        try {
            return (int) FD_VAL.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the descriptor of a JDK channel: run with --add-exports "
                            + "java.base/sun.nio.ch=ALL-UNNAMED",
                    e);
        }
    }
}
