package io.pooldisk.unix;

import java.nio.ByteBuffer;
import jnr.ffi.byref.LongLongByReference;

/**
 * Moving bytes through descriptors: reads and writes from direct buffers, and the kernel's own copies (sendfile,
 * splice). Every call here is made again when a signal interrupts it.
 */
public final class DescriptorIo {

    /** The most one sendfile call moves (Linux's MAX_RW_COUNT). */
    private static final long SENDFILE_MAX = 0x7ffff000L;

    private static final Errors.Call READ = (fd, address, count, flags) -> Native.C.read(fd, address, count);
    private static final Errors.Call WRITE = (fd, address, count, flags) -> Native.C.write(fd, address, count);
    private static final Errors.Call SEND = (fd, address, count, flags) -> Native.C.send(fd, address, count, flags);

    private DescriptorIo() {}

    /** Reads into the direct buffer {@code buf} from its position; returns bytes read, 0 at end of stream. */
    public static int read(int fd, ByteBuffer buf) throws NativeException {
        return (int) Errors.orThrow("read", tryRead(fd, buf));
    }

    /**
     * {@link #read} that answers a failure as {@code -errno} instead of throwing: for a worker's read of the next
     * command, where a time-out or a reset is the normal end of a session and an exception would cost more than the
     * read.
     */
    public static int tryRead(int fd, ByteBuffer buf) {
        int n = (int) Errors.restarting(READ, fd, DirectMemory.address(buf) + buf.position(), buf.remaining(), 0);
        if (n >= 0) {
            buf.position(buf.position() + n);
        }
        return n;
    }

    /**
     * Writes what a non-blocking descriptor takes now from the direct buffer {@code buf}'s position: the bytes
     * written (0 when it takes none: EAGAIN), or {@code -errno} on failure.
     */
    public static int tryWrite(int fd, ByteBuffer buf) {
        long at = DirectMemory.address(buf) + buf.position();
        int n = (int) Errors.restarting(SEND, fd, at, buf.remaining(), Sockets.MSG_NOSIGNAL);
        if (n >= 0) {
            buf.position(buf.position() + n);
        }
        return n == -Errors.EAGAIN ? 0 : n;
    }

    /** Writes all of the direct buffer {@code buf} (a blocking descriptor), looping over short writes. */
    public static void writeFully(int fd, ByteBuffer buf) throws NativeException {
        while (buf.hasRemaining()) {
            long at = DirectMemory.address(buf) + buf.position();
            int n = (int) Errors.orThrow("write", Errors.restarting(WRITE, fd, at, buf.remaining(), 0));
            buf.position(buf.position() + n);
        }
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

    /**
     * Copies up to {@code count} bytes from {@code inFd} at {@code offset} to {@code outFd} in the kernel. One call
     * moves at most 0x7ffff000 bytes; callers loop. Returns the bytes moved, 0 at the end of {@code inFd}, -1 when the
     * socket has no room now (EAGAIN).
     */
    public static long sendfile(int outFd, int inFd, long offset, long count) throws NativeException {
        LongLongByReference from = new LongLongByReference(offset);
        long n = Errors.restarting(
                (out, unused, max, flags) -> Native.C.sendfile(out, inFd, from, max),
                outFd,
                0,
                Math.min(count, SENDFILE_MAX),
                0);
        return n == -Errors.EAGAIN ? -1 : Errors.orThrow("sendfile", n); // EAGAIN: the caller decides whether to wait
    }

    /**
     * Moves up to {@code count} bytes from a socket into a pipe in the kernel. On a non-blocking socket with nothing
     * to read it fails with EAGAIN. Returns the bytes moved, 0 at end of stream.
     */
    public static long spliceFromSocket(int socket, int pipeWrite, long count) throws NativeException {
        return splice("splice from socket", socket, pipeWrite, null, count);
    }

    /**
     * Moves up to {@code count} bytes from a pipe into a file at {@code offset} (the file's own offset is left alone).
     * Returns the bytes moved. EINVAL means the file takes no splice.
     */
    public static long spliceToFile(int pipeRead, int file, long offset, long count) throws NativeException {
        return splice("splice to file", pipeRead, file, new LongLongByReference(offset), count);
    }

    private static long splice(String call, int in, int out, LongLongByReference outOffset, long count)
            throws NativeException {
        return Errors.orThrow(
                call,
                Errors.restarting(
                        (from, unused, max, flags) -> Native.C.splice(from, null, out, outOffset, max, flags),
                        in,
                        0,
                        count,
                        0));
    }
}
