package io.pooldisk.unix;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;

/**
 * The one door to the C library. Results of -1 become {@link NativeException}s carrying errno, in one helper
 * ({@link #check}), as Netty's FileDescriptor does. Constants are Linux's (x86_64 and aarch64 agree on all of them).
 */
public final class Native {

    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 0x800;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;
    public static final int SHUT_RDWR = 2;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENOEXEC = 8;
    public static final int EACCES = 13;
    public static final int EAGAIN = 11;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ECHILD = 10;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ESRCH = 3;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int WNOHANG = 1;
    private static final int PR_SET_PDEATHSIG = 1;
    private static final short POSIX_SPAWN_SETPGROUP = 0x2;

    static final LibC C = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(C);
    static final boolean X86_64 = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;

    private Native() {}

    /** Throws a {@link NativeException} with errno when a call returned -1; returns the result otherwise. */
    static long check(String call, long result) throws NativeException {
        if (result == -1) {
            throw new NativeException(call, errno());
        }
        return result;
    }

    static int errno() {
        return RUNTIME.getLastError();
    }

    static Pointer allocate(int bytes) {
        return Memory.allocateDirect(RUNTIME, bytes, true);
    }

    public static int getpid() {
        return C.getpid();
    }

    public static int getppid() {
        return C.getppid();
    }

    public static int getuid() {
        return C.getuid();
    }

    /** Sets this process's file mode creation mask; returns the one before. */
    public static int umask(int mask) {
        return C.umask(mask);
    }

    /** A connected pair of close-on-exec UNIX sockets: a message-boundary-keeping pipe between master and worker. */
    public static int[] seqpacketPair() throws NativeException {
        int[] sv = new int[2];
        check("socketpair", C.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
        return sv;
    }

    public static void close(int fd) {
        if (fd >= 0) {
            C.close(fd);
        }
    }

    public static void setNonBlocking(int fd, boolean on) throws NativeException {
        int flags = (int) check("fcntl(F_GETFL)", C.fcntl(fd, F_GETFL, 0));
        int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        if (wanted != flags) {
            check("fcntl(F_SETFL)", C.fcntl(fd, F_SETFL, wanted));
        }
    }

    /** A connection taken from a listening socket: its descriptor and the peer's address as "host:port". */
    public record Accepted(int fd, String peer) {}

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    /**
     * The seed's accept, on a non-blocking listening socket: the new connection is non-blocking and close-on-exec.
     * Non-blocking for the master and every worker alike (the flag belongs to the open socket): nobody ever sleeps in a
     * read or a write on a client, only in a poll that the master can cut short (docs/ARCHITECTURE.md, "A worker never
     * waits on a client"). Returns null when no connection is waiting. {@code scratch}: from {@link #allocateSockaddr}.
     */
    public static Accepted accept(int listenFd, SockaddrBuffer scratch) throws NativeException {
        Pointer sockaddr = scratch.memory;
        while (true) {
            sockaddr.putInt(SOCKADDR_BYTES, SOCKADDR_BYTES); // socklen_t in/out, kept just after the address
            int fd = C.accept4(
                    listenFd, sockaddr.address(), sockaddr.address() + SOCKADDR_BYTES, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0) {
                return new Accepted(fd, peerAddress(sockaddr));
            }
            int err = errno();
            if (err == EAGAIN) {
                return null;
            }
            if (err != EINTR && err != ECONNABORTED) {
                throw new NativeException("accept4", err);
            }
        }
    }

    private static final int SOCKADDR_BYTES = 128;

    /** Scratch for {@link #accept}: a struct sockaddr_storage and its length. */
    public static SockaddrBuffer allocateSockaddr() {
        return new SockaddrBuffer(allocate(SOCKADDR_BYTES + 4));
    }

    /** Formats a struct sockaddr_in or sockaddr_in6 as "1.2.3.4:80" or "[::1]:80". */
    private static String peerAddress(Pointer sa) {
        int family = sa.getShort(0) & 0xffff;
        int port = ((sa.getByte(2) & 0xff) << 8) | (sa.getByte(3) & 0xff);
        if (family == AF_INET) {
            return ipv4(sa, 4) + ":" + port;
        }
        if (family == AF_INET6 && sa.getLong(8) == 0 && sa.getShort(16) == 0 && sa.getShort(18) == (short) 0xffff) {
            return ipv4(sa, 20) + ":" + port; // an IPv4 client of a dual-stack listener: ::ffff:a.b.c.d
        }
        if (family == AF_INET6) {
            byte[] addr = new byte[16];
            sa.get(8, addr, 0, 16);
            return "[" + ipv6(addr) + "]:" + port;
        }
        return "?";
    }

    /** The RFC 5952 text of an IPv6 address: lower-case hex, the first longest run of 2+ zero groups as "::". */
    static String ipv6(byte[] addr) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((addr[2 * i] & 0xff) << 8) | (addr[2 * i + 1] & 0xff);
        }
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
                continue;
            }
            if (i > 0 && i != runStart + runLength) {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static String ipv4(Pointer sa, int offset) {
        return (sa.getByte(offset) & 0xff) + "." + (sa.getByte(offset + 1) & 0xff) + "."
                + (sa.getByte(offset + 2) & 0xff) + "." + (sa.getByte(offset + 3) & 0xff);
    }

    /**
     * Reads into the direct buffer {@code buf} from its position; returns bytes read, 0 at end of stream. Retries
     * EINTR.
     */
    public static int read(int fd, ByteBuffer buf) throws NativeException {
        int n = tryRead(fd, buf);
        if (n < 0) {
            throw new NativeException("read", -n);
        }
        return n;
    }

    /**
     * {@link #read} that answers a failure as {@code -errno} instead of throwing: for a worker's read of the next
     * command, where a time-out or a reset is the normal end of a session and an exception would cost more than the
     * read.
     */
    public static int tryRead(int fd, ByteBuffer buf) {
        long at = address(buf) + buf.position();
        while (true) {
            long n = C.read(fd, at, buf.remaining());
            if (n >= 0) {
                buf.position(buf.position() + (int) n);
                return (int) n;
            }
            int err = errno();
            if (err != EINTR) {
                return -err;
            }
        }
    }

    /**
     * Writes what a non-blocking descriptor takes now from the direct buffer {@code buf}'s position: the bytes
     * written (0 when it takes none: EAGAIN), or {@code -errno} on failure. Retries EINTR.
     */
    public static int tryWrite(int fd, ByteBuffer buf) {
        long at = address(buf) + buf.position();
        while (true) {
            long n = C.send(fd, at, buf.remaining(), MSG_NOSIGNAL);
            if (n >= 0) {
                buf.position(buf.position() + (int) n);
                return (int) n;
            }
            int err = errno();
            if (err == EAGAIN) {
                return 0;
            }
            if (err != EINTR) {
                return -err;
            }
        }
    }

    /** Writes all of the direct buffer {@code buf} (a blocking descriptor), looping over short writes and EINTR. */
    public static void writeFully(int fd, ByteBuffer buf) throws NativeException {
        while (buf.hasRemaining()) {
            long n = C.write(fd, address(buf) + buf.position(), buf.remaining());
            if (n >= 0) {
                buf.position(buf.position() + (int) n);
            } else if (errno() != EINTR) {
                throw new NativeException("write", errno());
            }
        }
    }

    private static final sun.misc.Unsafe UNSAFE = unsafe();
    private static final long BUFFER_ADDRESS = bufferAddressOffset();

    /**
     * Where a direct buffer's memory starts, read from the buffer's own field as Netty and Agrona do: jnr-ffi would
     * ask JNI for it on every call. The buffer must stay reachable until the call that uses the address returns
     * (the methods here use it after the call, or fence it): a collected buffer frees its memory.
     */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("a heap buffer has no fixed address: system calls take direct buffers");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("deprecation") // objectFieldOffset stays supported for fields of ordinary classes
    private static long bufferAddressOffset() {
        try {
            return UNSAFE.objectFieldOffset(java.nio.Buffer.class.getDeclaredField("address"));
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Receives without waiting into {@code scratch} from 0, taking the bytes ({@code peek} false) or leaving them for
     * the next reader: the bytes received (at most {@code max}; the buffer's limit is set to it), 0 at end of stream,
     * -1 when nothing waits yet.
     */
    public static int receiveNow(int fd, ByteBuffer scratch, int max, boolean peek) throws NativeException {
        int n = receiveNow(fd, scratch, Math.min(max, scratch.capacity()), peek ? MSG_PEEK : 0);
        scratch.clear().limit(Math.max(n, 0));
        return n;
    }

    private static int receiveNow(int fd, ByteBuffer scratch, int max, int flags) throws NativeException {
        while (true) {
            long n = C.recv(fd, address(scratch), max, flags | MSG_DONTWAIT);
            java.lang.ref.Reference.reachabilityFence(scratch);
            if (n >= 0) {
                return (int) n;
            }
            int err = errno();
            if (err == EAGAIN) {
                return -1;
            }
            if (err != EINTR) {
                throw new NativeException("recv", err);
            }
        }
    }

    /** Reads and discards (into {@code scratch}) whatever input is already waiting, without blocking. */
    public static void drainInput(int fd, ByteBuffer scratch) {
        for (int i = 0; i < 64 && C.recv(fd, address(scratch), scratch.capacity(), MSG_DONTWAIT) > 0; i++) {
            scratch.clear();
        }
        java.lang.ref.Reference.reachabilityFence(scratch);
    }

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;

    private static final int O_CLOEXEC = 0x80000;

    /** Opens a file for reading; the descriptor is close-on-exec. */
    public static int openForReading(java.nio.file.Path path) throws NativeException {
        return open(path, O_RDONLY | O_CLOEXEC);
    }

    private static int open(java.nio.file.Path path, int flags) throws NativeException {
        while (true) {
            int fd = C.open(path.toString(), flags, 0);
            if (fd >= 0) {
                return fd;
            }
            if (errno() != EINTR) {
                throw new NativeException("open " + path, errno());
            }
        }
    }

    public static void setTcpNoDelay(int fd) {
        C.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, new int[] {1}, 4);
    }

    /** Writes a short message on a connection without blocking; what does not fit is dropped. */
    public static void writeBestEffort(int fd, ByteBuffer direct) {
        C.send(fd, address(direct) + direct.position(), direct.remaining(), MSG_DONTWAIT | MSG_NOSIGNAL);
        java.lang.ref.Reference.reachabilityFence(direct);
    }

    public static void shutdown(int fd) {
        C.shutdown(fd, SHUT_RDWR);
    }

    /**
     * Copies up to {@code count} bytes from {@code inFd} at {@code offset} to {@code outFd} in the kernel. One call
     * moves at most 0x7ffff000 bytes; callers loop. Returns the bytes moved, 0 at the end of {@code inFd}, -1 when the
     * socket has no room now (EAGAIN).
     */
    public static long sendfile(int outFd, int inFd, long offset, long count) throws NativeException {
        LongLongByReference off = new LongLongByReference(offset);
        while (true) {
            long n = C.sendfile(outFd, inFd, off, Math.min(count, 0x7ffff000L));
            if (n >= 0) {
                return n;
            }
            int err = errno();
            if (err == EAGAIN) {
                return -1; // no room in the socket: the caller decides whether to wait
            }
            if (err != EINTR) {
                throw new NativeException("sendfile", err);
            }
        }
    }

    private static final int MFD_CLOEXEC = 1;

    /** An anonymous file in memory (memfd_create), close-on-exec: for bytes that must travel as a descriptor. */
    public static int memfd(String name) throws NativeException {
        return (int) check("memfd_create", C.memfd_create(name, MFD_CLOEXEC));
    }

    /** Writes all of {@code bytes} to a regular file (a memfd) at its current offset. */
    public static void writeAll(int fd, byte[] bytes) throws NativeException {
        writeAll(fd, bytes, ByteBuffer.allocateDirect(Math.min(bytes.length, 1 << 20)));
    }

    /** The same, through the caller's direct buffer {@code buf}, for callers that write often. */
    public static void writeAll(int fd, byte[] bytes, ByteBuffer buf) throws NativeException {
        for (int off = 0; off < bytes.length; ) {
            buf.clear();
            int n = Math.min(buf.capacity(), bytes.length - off);
            buf.put(bytes, off, n).flip();
            writeFully(fd, buf);
            off += n;
        }
    }

    private static final int O_WRONLY = 1;
    private static final int F_SETPIPE_SZ = 1031;

    /** Opens an existing file for writing (at explicit offsets); the descriptor is close-on-exec. */
    public static int openForWriting(java.nio.file.Path path) throws NativeException {
        return open(path, O_WRONLY | O_CLOEXEC);
    }

    /**
     * A close-on-exec pipe for splice, {read end, write end}, asked to hold {@code bytes} (F_SETPIPE_SZ; where the
     * system allows less, it keeps its default and splice simply moves less a call).
     */
    public static int[] pipe(int bytes) throws NativeException {
        int[] fds = new int[2];
        check("pipe2", C.pipe2(fds, O_CLOEXEC));
        C.fcntl(fds[1], F_SETPIPE_SZ, bytes);
        return fds;
    }

    /**
     * Moves up to {@code count} bytes from a socket into a pipe in the kernel. On a non-blocking socket with nothing
     * to read it fails with EAGAIN. Returns the bytes moved, 0 at end of stream. Retries EINTR.
     */
    public static long spliceFromSocket(int socket, int pipeWrite, long count) throws NativeException {
        return splice("splice from socket", socket, pipeWrite, null, count);
    }

    /**
     * Moves up to {@code count} bytes from a pipe into a file at {@code offset} (the file's own offset is left alone).
     * Returns the bytes moved. Retries EINTR; EINVAL means the file takes no splice.
     */
    public static long spliceToFile(int pipeRead, int file, long offset, long count) throws NativeException {
        return splice("splice to file", pipeRead, file, new LongLongByReference(offset), count);
    }

    private static long splice(String call, int in, int out, LongLongByReference outOffset, long count)
            throws NativeException {
        while (true) {
            long n = C.splice(in, null, out, outOffset, count, 0);
            if (n >= 0) {
                return n;
            }
            if (errno() != EINTR) {
                throw new NativeException(call, errno());
            }
        }
    }

    /** Sends a signal; false when the process no longer exists. */
    public static boolean kill(int pid, int signal) {
        if (pid <= 0) {
            return false;
        }
        return C.kill(pid, signal) == 0;
    }

    /**
     * Reaps a child without waiting. Returns its wait status, or -1 while it still runs. A pid that is not (or no
     * longer) our child counts as gone: returns 0.
     */
    public static int reap(int pid) {
        IntByReference status = new IntByReference();
        int r = C.waitpid(pid, status, WNOHANG);
        if (r == pid) {
            return status.intValue();
        }
        if (r == 0) {
            return -1;
        }
        return errno() == EINTR ? -1 : 0;
    }

    /** Text for a wait status: "exit 1", "signal 9". */
    public static String describeStatus(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? "exit " + ((status >> 8) & 0xff) : "signal " + signal;
    }

    /** Asks the kernel to SIGKILL this process when the thread that spawned it ends (Linux prctl PR_SET_PDEATHSIG). */
    public static void dieWithParent() {
        C.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    }

    /** The TCP port of a service name from the services database (getservbyname), or -1 when unknown. */
    public static int servicePort(String name) {
        Pointer servent = C.getservbyname(name, "tcp");
        if (servent == null) {
            return -1;
        }
        // struct servent { char *s_name; char **s_aliases; int s_port; ... }: the port is in network byte order.
        int port = servent.getInt(2L * RUNTIME.addressSize());
        return ((port & 0xff) << 8) | ((port >> 8) & 0xff);
    }

    /**
     * Starts {@code argv} with {@code env}: the seed's socketpair + fork, in spawn form. {@code childEnd} becomes fd 3
     * of the child, stdin reads /dev/null, stdout and stderr are inherited, and every other descriptor is closed in the
     * child (glibc's closefrom file action), so a worker never holds the listening socket or a client connection.
     * The child gets a process group of its own: a Ctrl-C on the master's terminal reaches the master alone, which
     * then stops its workers gracefully.
     *
     * @return the child's pid
     */
    public static int spawn(List<String> argv, List<String> env, int childEnd) throws NativeException {
        Pointer actions = allocate(256); // sizeof(posix_spawn_file_actions_t) is 80 on glibc
        Pointer attr = allocate(1024); // sizeof(posix_spawnattr_t) is 336 on glibc
        Pointer argvArray = stringArray(argv);
        Pointer envArray = stringArray(env);
        IntByReference pid = new IntByReference();
        C.posix_spawn_file_actions_init(actions);
        C.posix_spawnattr_init(attr);
        try {
            spawnCheck("setflags", C.posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP));
            spawnCheck("setpgroup", C.posix_spawnattr_setpgroup(attr, 0));
            spawnCheck("addopen", C.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0));
            spawnCheck("adddup2", C.posix_spawn_file_actions_adddup2(actions, childEnd, 3));
            spawnCheck("addclosefrom_np", C.posix_spawn_file_actions_addclosefrom_np(actions, 4));
            spawnCheck(
                    "posix_spawnp " + argv.get(0),
                    C.posix_spawnp(pid, argv.get(0), actions, attr, argvArray, envArray));
            return pid.intValue();
        } finally {
            C.posix_spawn_file_actions_destroy(actions);
            C.posix_spawnattr_destroy(attr);
            reachabilityFence(argvArray, envArray);
        }
    }

    /** posix_spawn functions return the error number itself rather than setting errno. */
    private static void spawnCheck(String call, int result) throws NativeException {
        if (result != 0) {
            throw new NativeException(call, result);
        }
    }

    private static final ThreadLocal<java.util.ArrayList<Pointer>> KEEP =
            ThreadLocal.withInitial(java.util.ArrayList::new);

    /** A NULL-terminated char*[] whose strings stay allocated until {@link #reachabilityFence}. */
    private static Pointer stringArray(List<String> strings) {
        int ptr = RUNTIME.addressSize();
        Pointer array = allocate((strings.size() + 1) * ptr);
        for (int i = 0; i < strings.size(); i++) {
            byte[] bytes = strings.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = allocate(bytes.length + 1);
            s.put(0, bytes, 0, bytes.length);
            s.putByte(bytes.length, (byte) 0);
            array.putPointer((long) i * ptr, s);
            KEEP.get().add(s);
        }
        array.putAddress((long) strings.size() * ptr, 0L);
        return array;
    }

    private static void reachabilityFence(Pointer... arrays) {
        java.lang.ref.Reference.reachabilityFence(arrays);
        java.lang.ref.Reference.reachabilityFence(KEEP.get());
        KEEP.get().clear();
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
     * The int descriptor behind a JDK socket channel. Needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}
     * (the executable jar's manifest carries it).
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
