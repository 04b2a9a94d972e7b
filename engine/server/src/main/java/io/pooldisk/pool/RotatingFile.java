package io.pooldisk.pool;

import io.pooldisk.disk.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file in the data directory that lines are appended to, owner-only, rotated by size: when a line would take
 * it past {@code maxBytes}, {@code name.1} becomes {@code name.2} and so on up to {@code name.<keep>} (the oldest is
 * deleted), the file becomes {@code name.1}, and a new one is begun. {@link #reopen()} is for logrotate: it renamed
 * the file, and the next line goes to a new one at the path.
 *
 * <p>Each line is one write(2) on a descriptor opened with O_APPEND, so lines that another process appends the same
 * way (the {@code pooldisk user} command to {@code audit.log}) never interleave with these. Not thread-safe on its
 * own: its users call it from one thread at a time.
 */
final class RotatingFile implements AutoCloseable {

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private FileChannel channel;

    /**
     * @param maxBytes rotate before the file would exceed this; 0: never rotate (logrotate may do it instead)
     * @param keep     rotated files kept besides the current one ({@code name.1} to {@code name.<keep>}), at least 1
     */
    RotatingFile(Path file, long maxBytes, int keep) {
        if (maxBytes < 0 || keep < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 0 and keep >= 1, not " + maxBytes + ", " + keep);
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    Path path() {
        return file;
    }

    /** Appends {@code line} and a line feed, rotating first when it would not fit. */
    void append(String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        if (channel == null) {
            open();
        }
        // The size on disk, not a count of our own: another process may append too. An fstat per line is cheap for
        // these logs, which get lines per event worth telling (INFO and up), never per connection or command.
        long size = channel.size();
        if (maxBytes > 0 && size > 0 && size + bytes.remaining() > maxBytes) {
            rotate();
        }
        while (bytes.hasRemaining()) {
            channel.write(bytes); // a regular file takes a line whole; the loop is for the rare short write
        }
    }

    /** Closes the file and opens (creates) a new one at the path, after logrotate moved the old one away. */
    void reopen() throws IOException {
        close();
        open();
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                System.err.println("pooldisk: cannot close " + file + ": " + e.getMessage());
            }
            channel = null;
        }
    }

    private void open() throws IOException {
        OwnerOnly.file(file); // it names users, their addresses and their files
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** name.(keep-1) to name.keep, ..., name to name.1; then a new, empty name. */
    private void rotate() throws IOException {
        close();
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(file)) {
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
