package io.pooldisk.worker;

import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.DescriptorIo;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.PollPair;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client connection a worker is serving: the descriptor it received, an input buffer that splits lines, replies
 * not yet sent, and counters of bytes in and out. One per worker, reused for every session it borrows (no allocation
 * per hand-off).
 *
 * <p>The socket is non-blocking: no call here sleeps on the client. Where the socket is not ready, the {@link Waiter}
 * decides: it waits for at most the linger, ending the wait early when the master wants the worker, and otherwise says
 * to stop, so that the session goes back to the master with what is left to do (docs/ARCHITECTURE.md, "A worker never
 * waits on a client").
 */
final class ClientConnection {

    /** Input read ahead of the commands: at least one whole request line. It travels with a parked session. */
    private static final int BUFFER = 16 * 1024;
    /** Uploads move through this: large reads, few system calls, hashing in big strides. */
    private static final int BULK = 1024 * 1024;
    /** Uploads received with splice unless this is "false" (for operators, and tests of the plain path). */
    static final String SPLICE_PROPERTY = "pooldisk.splice";

    private static final boolean SPLICE = !"false".equals(System.getProperty(SPLICE_PROPERTY));

    /** Waits until the client's socket is ready, or says to stop and hand the session back. */
    interface Waiter {
        /**
         * Waits until the socket is ready for {@code events} ({@link PollPair#IN} or {@link PollPair#OUT}): true when
         * it is, false when the session should go back to the master instead (the linger passed, or another
         * session needs this worker). {@code midTransfer}: the wait is a pause in a transfer's stream (a full or
         * empty socket buffer, which a fast client clears in a few milliseconds), not a wait for a next command.
         */
        boolean await(short events, boolean midTransfer) throws BrokenConnectionException;
    }

    /** Bytes read and not yet taken, between 0 and position (write mode). */
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER);

    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    /** Reply bytes the socket had no room for yet, in order; sent before anything else. */
    private final ByteArrayOutputStream unsent = new ByteArrayOutputStream();

    private ByteBuffer bulk;
    /** This worker's pipe for splice, {read end, write end}, made at its first upload; null until then. */
    private FileDescriptor[] pipe;

    private Waiter waiter;
    /** Set when a splice loop stopped because the waiter said to: the plain read loop must not go on. */
    private boolean stopped;

    /** The session's connection: this worker's copy, closed at the end of each hand-off. */
    private FileDescriptor connection;

    private int scanned;
    private long bytesIn;
    private long bytesOut;

    /** Takes on a session's connection, with the input bytes an earlier worker (or the master) read ahead. */
    void open(FileDescriptor descriptor, byte[] pending, Waiter waitForClient) {
        connection = descriptor;
        waiter = waitForClient;
        in.clear();
        in.put(pending);
        unsent.reset();
        scanned = 0;
        bytesIn = 0;
        bytesOut = 0;
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
    enum Fill {
        DATA,
        END_OF_STREAM,
        EMPTY,
        RESET
    }

    /** Reads what the client has sent, without waiting. */
    Fill fill() throws BrokenConnectionException {
        if (!in.hasRemaining()) {
            return Fill.DATA; // a full buffer always holds an over-long line; lineTooLong() reports it
        }
        int n = DescriptorIo.tryRead(connection.intValue(), in);
        if (n > 0) {
            bytesIn += n;
            return Fill.DATA;
        }
        if (n == 0) {
            return Fill.END_OF_STREAM;
        }
        return switch (-n) {
            case Errors.EAGAIN -> Fill.EMPTY;
            case Errors.ECONNRESET -> Fill.RESET;
            default -> throw new BrokenConnectionException(new NativeException("read", -n));
        };
    }

    /** Waits for the client's next input, as the {@link Waiter} allows: false when the session should go back. */
    boolean awaitInput() throws BrokenConnectionException {
        return waiter.await(PollPair.IN, false);
    }

    /**
     * Sends {@code text}, or as much of it as the socket takes now; the rest waits in order for {@link #flush}.
     * Never waits for the client.
     */
    void write(String text) throws BrokenConnectionException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws BrokenConnectionException {
        int off = 0;
        if (unsent.size() == 0) {
            while (off < bytes.length) {
                out.clear();
                out.put(bytes, off, Math.min(BUFFER, bytes.length - off)).flip();
                int n = sendNow(out);
                off += n;
                if (n < out.limit()) {
                    break; // the socket is full
                }
            }
        }
        unsent.write(bytes, off, bytes.length - off);
    }

    /** Whether replies wait to be sent. */
    boolean hasUnsent() {
        return unsent.size() > 0;
    }

    /**
     * Sends the replies still waiting, waiting for room as the {@link Waiter} allows. True when all are sent; false
     * when the session should go back with the rest ({@link #takeUnsent}).
     */
    boolean flush() throws BrokenConnectionException {
        while (unsent.size() > 0) {
            byte[] rest = unsent.toByteArray();
            unsent.reset();
            write(rest);
            if (unsent.size() > 0 && !waiter.await(PollPair.OUT, false)) {
                return false;
            }
        }
        return true;
    }

    /** The replies not sent yet, which now travel with the session; none are left here. */
    byte[] takeUnsent() {
        byte[] rest = unsent.toByteArray();
        unsent.reset();
        return rest;
    }

    /** One non-blocking send from {@code buf}: the bytes the socket took. */
    private int sendNow(ByteBuffer buf) throws BrokenConnectionException {
        int n = DescriptorIo.tryWrite(connection.intValue(), buf);
        if (n < 0) {
            throw new BrokenConnectionException(new NativeException("write", -n));
        }
        bytesOut += n;
        return n;
    }

    /** Told how a transfer advances, at every step. */
    interface Progress {
        void advanced(long bytesSoFar) throws BrokenConnectionException;
    }

    /**
     * Moves up to {@code count} bytes of the client's input into {@code sink}, every byte once, in order: first what
     * is already buffered, then straight from the socket with splice (socket to pipe to file, in the kernel), or,
     * where that is switched off or the sink refuses it, in large reads. Returns the bytes moved: {@code count}, or
     * fewer when the client's socket went empty and the {@link Waiter} said to stop.
     */
    long receive(long count, Sink sink, Progress progress) throws BrokenConnectionException, DiskException {
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
        while (done < count && !stopped) { // without splice; the buffer is made only for this
            ByteBuffer bulk = bulk().clear();
            bulk.limit((int) Math.min(bulk.capacity(), count - done));
            if (readSome(bulk, done, count)) {
                done += bulk.position();
                sink.accept(bulk.flip());
                progress.advanced(done);
            } else if (!awaitBytes()) {
                break;
            }
        }
        stopped = false;
        return done;
    }

    /**
     * Waits for more of a transfer's bytes, after sending the replies still owed: a client may wait for a reply (OK
     * SEND) before it sends. False when the session should go back.
     */
    private boolean awaitBytes() throws BrokenConnectionException {
        return flush() && waiter.await(PollPair.IN, true);
    }

    /**
     * Receives by splice from {@code done} up to {@code count}, until the sink refuses splice or the waiter says to
     * stop (then {@link #stopped} is set); returns the bytes received by then. The pipe is this worker's, made once
     * and kept while it is left empty.
     */
    private long spliceInto(Sink sink, long done, long count, Progress progress)
            throws BrokenConnectionException, DiskException {
        if (pipe == null) {
            try {
                pipe = FileDescriptor.pipe(BULK);
            } catch (NativeException e) {
                return done; // no pipe to be had: plain reads still work
            }
        }
        boolean emptied = false;
        try {
            while (done < count) {
                long n;
                try {
                    n = DescriptorIo.spliceFromSocket(
                            connection.intValue(), pipe[1].intValue(), Math.min(BULK, count - done));
                } catch (NativeException e) {
                    if (e.errno() != Errors.EAGAIN) {
                        throw new BrokenConnectionException(e);
                    }
                    if (!awaitBytes()) {
                        stopped = true;
                        break;
                    }
                    continue;
                }
                if (n == 0) {
                    throw closedAfter(done, count);
                }
                bytesIn += n;
                boolean spliced = sink.spliceFrom(pipe[0].intValue(), n);
                if (!spliced) {
                    takeBackFromPipe(n, sink);
                }
                done += n;
                progress.advanced(done);
                if (!spliced) {
                    break;
                }
            }
            emptied = true;
            return done;
        } finally {
            if (!emptied) { // bytes of a failed transfer may be left in it
                pipe[0].close();
                pipe[1].close();
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
                    DescriptorIo.read(pipe[0].intValue(), bulk);
                }
            } catch (NativeException e) {
                throw new BrokenConnectionException(e);
            }
            left -= bulk.position();
            sink.accept(bulk.flip());
        }
    }

    /** One read into {@code buf}: true with bytes read, false when the socket had none. */
    private boolean readSome(ByteBuffer buf, long done, long count) throws BrokenConnectionException {
        int n = DescriptorIo.tryRead(connection.intValue(), buf);
        if (n == -Errors.EAGAIN) {
            return false;
        }
        if (n < 0) {
            throw new BrokenConnectionException(new NativeException("read", -n));
        }
        if (n == 0) {
            throw closedAfter(done, count);
        }
        bytesIn += n;
        return true;
    }

    private static BrokenConnectionException closedAfter(long done, long count) {
        return new BrokenConnectionException(
                "the client closed the connection after " + done + " of " + count + " bytes");
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

    /**
     * Sends up to {@code count} bytes of the open file {@code in} from {@code offset} ({@code in} stays open), after
     * the replies still unsent. Returns the bytes of the file sent: {@code count}, or fewer when the socket stayed
     * full and the {@link Waiter} said to stop.
     */
    long sendFile(int in, long offset, long count, Progress progress) throws BrokenConnectionException {
        if (!flush()) {
            return 0;
        }
        long done = 0;
        try {
            while (done < count) {
                long n = DescriptorIo.sendfile(connection.intValue(), in, offset + done, count - done);
                if (n > 0) {
                    done += n;
                    bytesOut += n;
                    progress.advanced(done);
                } else if (n == 0) {
                    throw new BrokenConnectionException("the file being sent ended after " + (offset + done)
                            + " bytes; " + (count - done) + " were still due");
                } else if (!waiter.await(PollPair.OUT, true)) {
                    break;
                }
            }
        } catch (NativeException e) {
            throw new BrokenConnectionException(e);
        }
        return done;
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
        FileDescriptor.closeIfAny(connection);
        waiter = null;
    }
}
