package io.pooldisk.client;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * The bytes between a {@link DiskClient} and its server: a plain TCP channel (uploads go by sendfile, as before), or
 * a TLS socket ({@link TlsWire}).
 */
interface Wire extends Closeable {

    /** Reads what has come into {@code dst}, waiting for at least a byte; -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Sends up to {@code count} bytes of {@code file} from {@code position}; the bytes sent, 0 when the file ended. */
    long send(FileChannel file, long position, long count) throws IOException;

    /** Reads what has come into {@code dst} without waiting: 0 when nothing has, -1 at the end of the stream. */
    int readNow(ByteBuffer dst) throws IOException;

    /** Plain TCP: the channel's own calls, the upload's bytes through the kernel's sendfile. */
    final class Plain implements Wire {
        private final SocketChannel channel;

        Plain(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        }

        @Override
        public long send(FileChannel file, long position, long count) throws IOException {
            return file.transferTo(position, count, channel);
        }

        @Override
        public int readNow(ByteBuffer dst) throws IOException {
            channel.configureBlocking(false);
            try {
                return channel.read(dst);
            } finally {
                channel.configureBlocking(true);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
