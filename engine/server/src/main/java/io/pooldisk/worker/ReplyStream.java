package io.pooldisk.worker;

import io.pooldisk.unix.DescriptorIo;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A reply of any length, written line by line without holding it: lines go to the client's socket while it takes
 * them, and from the first time it does not, into a memfd, which is then sent as a download is. The worker never
 * waits on the client while writing, and holds one chunk of the reply at a time.
 */
final class ReplyStream implements AutoCloseable {

    /** Lines gather into chunks of about this size before they are written. */
    private static final int CHUNK = 16 * 1024;

    private final SessionContext ctx;
    private final String label;
    private final ByteArrayOutputStream chunk = new ByteArrayOutputStream(2 * CHUNK);
    private ByteBuffer staging;
    /** The memfd holding the rest of the reply, or null while the socket has taken everything. */
    private FileDescriptor file;

    private long inFile;
    /** Bytes of the reply written so far, to the socket or the memfd: the progress the master is told of. */
    private long written;

    private boolean started;

    /** {@code label}: the command, as the scoreboard shows it while the reply is sent ("LIST /docs"). */
    ReplyStream(SessionContext ctx, String label) {
        this.ctx = ctx;
        this.label = label;
    }

    /** Adds one line; {@code text} has no line ending. */
    void line(String text) throws BrokenConnectionException {
        started = true;
        chunk.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        chunk.write('\n');
        if (chunk.size() >= CHUNK) {
            writeChunk();
        }
    }

    /** Whether a line was added: after that, the reply can no longer be replaced by an error. */
    boolean started() {
        return started;
    }

    /**
     * Ends the reply: sends what the memfd holds, or, when the client's socket stays full, leaves it to the session
     * as the transfer it goes back to the master with.
     */
    void finish() throws BrokenConnectionException {
        writeChunk();
        if (file == null) {
            return;
        }
        FileDescriptor f = file;
        file = null; // from here on TransferCommands.send closes it or hands it on
        TransferCommands.send(ctx, f, 0, inFile, label);
    }

    private void writeChunk() throws BrokenConnectionException {
        if (chunk.size() == 0) {
            return;
        }
        if (file == null && !ctx.conn.hasUnsent()) {
            ctx.conn.write(chunk.toByteArray()); // what the socket does not take (one chunk at most) waits in conn
        } else {
            appendToFile(chunk.toByteArray());
        }
        written += chunk.size();
        chunk.reset();
        ctx.reporter.running(label, written);
    }

    private void appendToFile(byte[] bytes) throws BrokenConnectionException {
        try {
            if (file == null) {
                file = FileDescriptor.memfd("pooldisk-reply");
                staging = ByteBuffer.allocateDirect(CHUNK);
                // what the socket did not take goes first; the connection then holds nothing a parked session
                // would have to carry in its message beside the transfer
                append(ctx.conn.takeUnsent());
            }
            append(bytes);
        } catch (NativeException e) {
            throw new BrokenConnectionException("cannot keep the rest of the reply: " + e.getMessage());
        }
    }

    private void append(byte[] bytes) throws NativeException {
        DescriptorIo.writeAll(file.intValue(), bytes, staging);
        inFile += bytes.length;
    }

    /** Closes the memfd of a reply that failed before {@link #finish}. */
    @Override
    public void close() {
        FileDescriptor.closeIfAny(file);
        file = null;
    }
}
