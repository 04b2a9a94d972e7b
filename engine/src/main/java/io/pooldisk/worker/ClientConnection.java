package io.pooldisk.worker;

import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.Native;
import io.pooldisk.unix.NativeException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client connection a worker is serving: the descriptor it received, an input buffer that splits lines, and
 * counters of bytes in and out. One per worker, reused for every session it borrows (no allocation per hand-off).
 * Blocking I/O; waiting with a time-out is the {@link SessionRunner}'s job.
 */
final class ClientConnection {

    private static final int BUFFER = 64 * 1024;
    /** Uploads move through this: large reads, few system calls, hashing in big strides. */
    private static final int BULK = 1024 * 1024;
    /** Uploads received with splice unless this is "false" (for operators, and tests of the plain path). */
    static final String SPLICE_PROPERTY = "pooldisk.splice";
    private static final boolean SPLICE = !"false".equals(System.getProperty(SPLICE_PROPERTY));

    /** Bytes read and not yet taken, between 0 and position (write mode). */
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER);
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    private ByteBuffer bulk;
    /** This worker's pipe for splice, {read end, write end}, made at its first upload; null until then. */
    private int[] pipe;
    private int fd = -1;
    private int scanned;
    private long bytesIn;
    private long bytesOut;

    /**
     * Takes on a session's connection, with the input bytes an earlier worker read but no command took. Reads on it
     * wait at most the linger before {@link #fill} answers {@link Fill#QUIET}: the connection inherited that receive
     * time-out from the listening socket, which the master set up (see {@code Master}).
     */
    void open(int descriptor, byte[] pending) {
        fd = descriptor;
        in.clear();
        in.put(pending);
        scanned = 0;
        bytesIn = 0;
        bytesOut = 0;
    }

    int fd() {
        return fd;
    }

    /** The next whole line without its line ending (LF or CRLF), or null when none is buffered. */
    ByteBuffer nextLine() {
        int end = in.position();
        for (int i = scanned; i < end; i++) {
            if (in.get(i) == '\n') {
                int length = i > 0 && in.get(i - 1) == '\r' ? i - 1 : i;
                ByteBuffer line = ByteBuffer.allocate(length);
                in.get(0, line.array(), 0, length);
                take(i + 1);
                return line;
            }
        }
        scanned = end;
        return null;
    }

    /** True when the buffered partial line is already longer than a request line may be. */
    boolean lineTooLong() {
        return scanned > RequestLine.MAX_BYTES + 1;
    }

    /**
     * What a {@link #fill} found. RESET: the client reset the connection, as many clients end one; it is answered
     * without an exception because under connection churn it happens for nearly every connection.
     */
    enum Fill { DATA, END_OF_STREAM, QUIET, RESET }

    /** Reads what the client sent, waiting at most the connection's receive time-out (the linger). */
    Fill fill() throws BrokenConnectionException {
        if (!in.hasRemaining()) {
            return Fill.DATA; // a full buffer always holds an over-long line; lineTooLong() reports it
        }
        int n = Native.tryRead(fd, in);
        if (n > 0) {
            bytesIn += n;
            return Fill.DATA;
        }
        if (n == 0) {
            return Fill.END_OF_STREAM;
        }
        return switch (-n) {
            case Native.EAGAIN -> Fill.QUIET;
            case Native.ECONNRESET -> Fill.RESET;
            default -> throw new BrokenConnectionException(new NativeException("read", -n));
        };
    }

    void write(String text) throws BrokenConnectionException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            for (int off = 0; off < bytes.length; off += BUFFER) {
                out.clear();
                out.put(bytes, off, Math.min(BUFFER, bytes.length - off)).flip();
                Native.writeFully(fd, out);
            }
        } catch (NativeException e) {
            throw new BrokenConnectionException(e);
        }
        bytesOut += bytes.length;
    }

    /** Told how a transfer advances; may refuse to go on (a stalled peer) by throwing. */
    interface Progress {
        void advanced(long bytesSoFar, boolean stalled) throws BrokenConnectionException;
    }

    /**
     * Moves exactly {@code count} bytes of the client's input into {@code sink}, every byte once, in order: first what
     * is already buffered, then straight from the socket with splice (socket to pipe to file, in the kernel), or, where
     * that is switched off or the sink refuses it, in large reads.
     */
    void receive(long count, Sink sink, Progress progress) throws BrokenConnectionException, DiskException {
        long done = 0;
        int buffered = (int) Math.min(count, in.position());
        if (buffered > 0) {
            in.flip().limit(buffered);
            sink.accept(in);
            in.limit(in.capacity());
            in.compact();
            scanned = 0;
            done = buffered;
        }
        if (SPLICE && done < count) {
            done = spliceInto(sink, done, count, progress);
        }
        while (done < count) { // without splice; the buffer is made only for this
            ByteBuffer bulk = bulk().clear();
            bulk.limit((int) Math.min(bulk.capacity(), count - done));
            if (readSome(bulk, done, count, progress) > 0) {
                done += bulk.position();
                sink.accept(bulk.flip());
                progress.advanced(done, false);
            }
        }
    }

    /**
     * Receives by splice from {@code done} up to {@code count}, or until the sink refuses splice; returns the bytes
     * received by then. The pipe is this worker's, made once and kept while it is left empty.
     */
    private long spliceInto(Sink sink, long done, long count, Progress progress)
            throws BrokenConnectionException, DiskException {
        if (pipe == null) {
            try {
                pipe = Native.pipe(BULK);
            } catch (NativeException e) {
                return done; // no pipe to be had: plain reads still work
            }
        }
        boolean emptied = false;
        try {
            while (done < count) {
                long n;
                try {
                    n = Native.spliceFromSocket(fd, pipe[1], Math.min(BULK, count - done));
                } catch (NativeException e) {
                    if (e.errno() == Native.EAGAIN) {
                        progress.advanced(done, true); // quiet for a receive time-out
                        continue;
                    }
                    throw new BrokenConnectionException(e);
                }
                if (n == 0) {
                    throw closedAfter(done, count);
                }
                bytesIn += n;
                boolean spliced = sink.spliceFrom(pipe[0], n);
                if (!spliced) {
                    takeBackFromPipe(n, sink);
                }
                done += n;
                progress.advanced(done, false);
                if (!spliced) {
                    break;
                }
            }
            emptied = true;
            return done;
        } finally {
            if (!emptied) { // bytes of a failed transfer may be left in it
                Native.close(pipe[0]);
                Native.close(pipe[1]);
                pipe = null;
            }
        }
    }

    /** Reads the {@code count} bytes a sink did not take out of the pipe, and gives them to it as a copy. */
    private void takeBackFromPipe(long count, Sink sink) throws BrokenConnectionException, DiskException {
        ByteBuffer bulk = bulk();
        for (long left = count; left > 0; ) {
            bulk.clear().limit((int) Math.min(bulk.capacity(), left));
            try {
                while (bulk.hasRemaining()) {
                    Native.read(pipe[0], bulk);
                }
            } catch (NativeException e) {
                throw new BrokenConnectionException(e);
            }
            left -= bulk.position();
            sink.accept(bulk.flip());
        }
    }

    /** One read into {@code buf}: the bytes read, or 0 when the receive time-out passed first. */
    private int readSome(ByteBuffer buf, long done, long count, Progress progress) throws BrokenConnectionException {
        int n;
        try {
            n = Native.read(fd, buf);
        } catch (NativeException e) {
            if (e.errno() == Native.EAGAIN) {
                progress.advanced(done, true); // quiet for a receive time-out
                return 0;
            }
            throw new BrokenConnectionException(e);
        }
        if (n == 0) {
            throw closedAfter(done, count);
        }
        bytesIn += n;
        return n;
    }

    private static BrokenConnectionException closedAfter(long done, long count) {
        return new BrokenConnectionException("the client closed the connection after " + done + " of " + count
                + " bytes");
    }

    /** Where received bytes go. */
    interface Sink {
        void accept(ByteBuffer bytes) throws DiskException;

        /**
         * Moves {@code count} bytes out of the pipe {@code pipeRead} in the kernel. False, with the bytes left in the
         * pipe, when the destination cannot take a splice.
         */
        boolean spliceFrom(int pipeRead, long count) throws DiskException;
    }

    /** Sends {@code count} bytes of the open file {@code in} from {@code offset}; {@code in} stays open. */
    void sendFile(int in, long offset, long count, Progress progress) throws BrokenConnectionException {
        try {
            Native.setSendTimeout(fd, 1000);
            long done = 0;
            while (done < count) {
                long n = Native.sendfile(fd, in, offset + done, count - done);
                done += n;
                bytesOut += n;
                progress.advanced(done, n == 0);
            }
            Native.setSendTimeout(fd, 0);
        } catch (NativeException e) {
            throw new BrokenConnectionException(e);
        }
    }

    private ByteBuffer bulk() {
        if (bulk == null) {
            bulk = ByteBuffer.allocateDirect(BULK);
        }
        return bulk;
    }

    /** The buffered bytes that no command has taken yet: handed back to the master with the session. */
    byte[] pending() {
        byte[] rest = new byte[in.position()];
        in.get(0, rest);
        return rest;
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    private void take(int count) {
        in.flip().position(count);
        in.compact();
        scanned = 0;
    }

    /** Closes this worker's copy of the descriptor; the master keeps its own. */
    void close() {
        Native.close(fd);
        fd = -1;
    }
}
