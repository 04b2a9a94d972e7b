package io.pooldisk.unix;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/**
 * One end of a SOCK_SEQPACKET socketpair between the master and a worker. Each send is one whole message of at most
 * {@link #MAX_MESSAGE} bytes and may carry up to two descriptors (SCM_RIGHTS), as the seed's sendfd/recvfd do: a
 * client's connection, and the file a download it was in the middle of sends from. Not thread-safe: each end belongs
 * to one thread, which reuses the native msghdr built here.
 */
public final class MessageSocket implements AutoCloseable {

    public static final int MAX_MESSAGE = 64 * 1024;

    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    /**
     * A message and the descriptors that came with it, in order (null: none), now the receiver's to close.
     * {@code descriptorsLost}: the sender passed some that this process had no room for (out of descriptors,
     * MSG_CTRUNC); the message itself is whole.
     */
    public record Received(byte[] data, FileDescriptor fd, FileDescriptor secondFd, boolean descriptorsLost) {
        public boolean endOfStream() {
            return this == END;
        }

        /** Closes the descriptors that came with the message (for a message that should have brought none). */
        public void closeDescriptors() {
            FileDescriptor.closeIfAny(fd);
            FileDescriptor.closeIfAny(secondFd);
        }
    }

    /** What {@link #receive} answers when the peer closed its end. */
    public static final Received END = new Received(new byte[0], null, null, false);

    // struct msghdr (56 bytes on LP64): name, namelen, iov, iovlen, control, controllen, flags.
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    // struct cmsghdr: len (size_t), level (int), type (int), data. CMSG_LEN(4 * n) = 16 + 4 * n; CMSG_SPACE of one
    // or two descriptors is 24 alike.
    private static final int CMSG_HEADER = 16;
    private static final int CMSG_SPACE_TWO_FDS = 24;

    private static final Errors.Call SENDMSG = (fd, msghdr, unused, flags) -> Native.C.sendmsg(fd, msghdr, flags);
    private static final Errors.Call RECVMSG = (fd, msghdr, unused, flags) -> Native.C.recvmsg(fd, msghdr, flags);

    private final FileDescriptor fd;
    private final Pointer msghdr = DirectMemory.allocate(56);
    private final Pointer iov = DirectMemory.allocate(16);
    private final Pointer control = DirectMemory.allocate(CMSG_SPACE_TWO_FDS);
    /** The message bytes, in a direct buffer: Java copies in and out of it without the JNI call of a Pointer's copy. */
    private final ByteBuffer data = ByteBuffer.allocateDirect(MAX_MESSAGE);

    /** Takes ownership of {@code fd}, one end of a {@link Sockets#seqpacketPair}. */
    public MessageSocket(FileDescriptor fd) {
        this.fd = fd;
        msghdr.putAddress(MSG_IOV, iov.address());
        msghdr.putLong(MSG_IOVLEN, 1);
        iov.putAddress(0, DirectMemory.address(data));
    }

    public int fd() {
        return fd.intValue();
    }

    /** Sends one message without descriptors. */
    public void send(byte[] message) throws NativeException {
        send(message, -1, -1);
    }

    /**
     * Sends one message, with {@code passFd} attached when it is not null; the caller keeps its own copy. On a
     * non-blocking socket a full buffer is an error (EAGAIN): the peer is not reading.
     */
    public void send(byte[] message, FileDescriptor passFd) throws NativeException {
        send(message, passFd, null);
    }

    /** Sends one message with up to two descriptors attached, in order (null: none; a second needs a first). */
    public void send(byte[] message, FileDescriptor passFd, FileDescriptor secondFd) throws NativeException {
        send(message, passFd == null ? -1 : passFd.intValue(), secondFd == null ? -1 : secondFd.intValue());
    }

    private void send(byte[] message, int passFd, int secondFd) throws NativeException {
        if (message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("message of " + message.length + " bytes exceeds " + MAX_MESSAGE);
        }
        data.put(0, message);
        iov.putLong(8, message.length);
        if (passFd >= 0) {
            int count = secondFd >= 0 ? 2 : 1;
            control.putLong(0, CMSG_HEADER + 4L * count);
            control.putInt(8, SOL_SOCKET);
            control.putInt(12, SCM_RIGHTS);
            control.putInt(16, passFd);
            control.putInt(20, secondFd);
            msghdr.putAddress(MSG_CONTROL, control.address());
            msghdr.putLong(MSG_CONTROLLEN, CMSG_SPACE_TWO_FDS);
        } else {
            msghdr.putAddress(MSG_CONTROL, 0L);
            msghdr.putLong(MSG_CONTROLLEN, 0);
        }
        msghdr.putInt(MSG_FLAGS, 0);
        Errors.orThrow("sendmsg", Errors.restarting(SENDMSG, fd.intValue(), msghdr.address(), 0, Sockets.MSG_NOSIGNAL));
    }

    /**
     * Receives one message. Returns {@link #END} when the peer closed its end, and null with {@code dontWait} when no
     * message is waiting. A received descriptor is close-on-exec.
     */
    public Received receive(boolean dontWait) throws NativeException {
        iov.putLong(8, MAX_MESSAGE);
        msghdr.putAddress(MSG_CONTROL, control.address());
        msghdr.putLong(MSG_CONTROLLEN, CMSG_SPACE_TWO_FDS);
        msghdr.putInt(MSG_FLAGS, 0);
        control.putLong(0, 0);
        int flags = MSG_CMSG_CLOEXEC | (dontWait ? Sockets.MSG_DONTWAIT : 0);
        long n = Errors.restarting(RECVMSG, fd.intValue(), msghdr.address(), 0, flags);
        if (n == -Errors.EAGAIN && dontWait) {
            return null;
        }
        if (Errors.orThrow("recvmsg", n) == 0) {
            return END;
        }
        int first = -1;
        int second = -1;
        long controlLength = msghdr.getLong(MSG_CONTROLLEN);
        if (controlLength >= CMSG_HEADER + 4 && control.getInt(8) == SOL_SOCKET && control.getInt(12) == SCM_RIGHTS) {
            long fds = (control.getLong(0) - CMSG_HEADER) / 4;
            first = control.getInt(16);
            second = fds >= 2 ? control.getInt(20) : -1;
        }
        byte[] bytes = new byte[(int) n];
        data.get(0, bytes);
        FileDescriptor firstFd = first >= 0 ? new FileDescriptor(first) : null;
        FileDescriptor secondFd = second >= 0 ? new FileDescriptor(second) : null;
        if ((msghdr.getInt(MSG_FLAGS) & MSG_CTRUNC) != 0) {
            FileDescriptor.closeIfAny(firstFd);
            FileDescriptor.closeIfAny(secondFd);
            return new Received(bytes, null, null, true);
        }
        return new Received(bytes, firstFd, secondFd, false);
    }

    @Override
    public void close() {
        fd.close();
    }
}
