package io.pooldisk.unix;

import jnr.ffi.Pointer;

import java.nio.ByteBuffer;

/**
 * One end of a SOCK_SEQPACKET socketpair between the master and a worker. Each send is one whole message of at most
 * {@link #MAX_MESSAGE} bytes and may carry one descriptor (SCM_RIGHTS), as the seed's sendfd/recvfd do. Not
 * thread-safe: each end belongs to one thread, which reuses the native msghdr built here.
 */
public final class MessageSocket implements AutoCloseable {

    public static final int MAX_MESSAGE = 64 * 1024;

    /** What {@link #receive} got: the message bytes and the descriptor that came with them, or -1. */
    public record Received(byte[] data, int fd) {
        public boolean endOfStream() {
            return this == END;
        }
    }

    /** What {@link #receive} answers when the peer closed its end. */
    public static final Received END = new Received(new byte[0], -1);

    // struct msghdr (56 bytes on LP64): name, namelen, iov, iovlen, control, controllen, flags.
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    // struct cmsghdr: len (size_t), level (int), type (int), data. CMSG_LEN(4) = 20, CMSG_SPACE(4) = 24.
    private static final int CMSG_LEN_ONE_FD = 20;
    private static final int CMSG_SPACE_ONE_FD = 24;

    private final int fd;
    private final Pointer msghdr = Native.allocate(56);
    private final Pointer iov = Native.allocate(16);
    private final Pointer control = Native.allocate(CMSG_SPACE_ONE_FD);
    /** The message bytes, in a direct buffer: Java copies in and out of it without the JNI call of a Pointer's copy. */
    private final ByteBuffer data = ByteBuffer.allocateDirect(MAX_MESSAGE);
    private boolean closed;

    public MessageSocket(int fd) {
        this.fd = fd;
        msghdr.putAddress(MSG_IOV, iov.address());
        msghdr.putLong(MSG_IOVLEN, 1);
        iov.putAddress(0, Native.address(data));
    }

    public int fd() {
        return fd;
    }

    /**
     * Sends one message, with {@code passFd} attached when it is not -1. On a non-blocking socket a full buffer is
     * an error (EAGAIN): the peer is not reading.
     */
    public void send(byte[] message, int passFd) throws NativeException {
        if (message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("message of " + message.length + " bytes exceeds " + MAX_MESSAGE);
        }
        data.put(0, message);
        iov.putLong(8, message.length);
        if (passFd >= 0) {
            control.putLong(0, CMSG_LEN_ONE_FD);
            control.putInt(8, Native.SOL_SOCKET);
            control.putInt(12, Native.SCM_RIGHTS);
            control.putInt(16, passFd);
            msghdr.putAddress(MSG_CONTROL, control.address());
            msghdr.putLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
        } else {
            msghdr.putAddress(MSG_CONTROL, 0L);
            msghdr.putLong(MSG_CONTROLLEN, 0);
        }
        msghdr.putInt(MSG_FLAGS, 0);
        while (true) {
            long n = Native.C.sendmsg(fd, msghdr, Native.MSG_NOSIGNAL);
            if (n >= 0) {
                return;
            }
            if (Native.errno() != Native.EINTR) {
                throw new NativeException("sendmsg", Native.errno());
            }
        }
    }

    /**
     * Receives one message. Returns {@link #END} when the peer closed its end, and null with {@code dontWait} when no
     * message is waiting. A received descriptor is close-on-exec.
     */
    public Received receive(boolean dontWait) throws NativeException {
        iov.putLong(8, MAX_MESSAGE);
        msghdr.putAddress(MSG_CONTROL, control.address());
        msghdr.putLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
        msghdr.putInt(MSG_FLAGS, 0);
        control.putLong(0, 0);
        long n;
        while (true) {
            n = Native.C.recvmsg(fd, msghdr, Native.MSG_CMSG_CLOEXEC | (dontWait ? Native.MSG_DONTWAIT : 0));
            if (n >= 0) {
                break;
            }
            int err = Native.errno();
            if (err == Native.EAGAIN && dontWait) {
                return null;
            }
            if (err != Native.EINTR) {
                throw new NativeException("recvmsg", err);
            }
        }
        if (n == 0) {
            return END;
        }
        int received = -1;
        long controlLength = msghdr.getLong(MSG_CONTROLLEN);
        if (controlLength >= CMSG_LEN_ONE_FD && control.getInt(8) == Native.SOL_SOCKET
                && control.getInt(12) == Native.SCM_RIGHTS) {
            received = control.getInt(16);
        }
        if ((msghdr.getInt(MSG_FLAGS) & Native.MSG_CTRUNC) != 0) {
            Native.close(received);
            throw new NativeException("recvmsg: control data truncated", 0);
        }
        byte[] bytes = new byte[(int) n];
        data.get(0, bytes);
        return new Received(bytes, received);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Native.close(fd);
        }
    }
}
