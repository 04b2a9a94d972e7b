package io.pooldisk.cli;

import io.pooldisk.pool.DataDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** One request to a running server's control socket ({@code control.sock} in its data directory), one answer. */
final class ControlClient {

    private ControlClient() {}

    /** The data directory an option names, or the default one. */
    static Path dataDir(Path option) {
        return option != null ? option.toAbsolutePath() : DataDirs.defaultDataDir();
    }

    /** Sends {@code request} (one line) and returns the whole answer; fails when no server listens there. */
    static String request(Path dataDir, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(DataDirs.controlSocket(dataDir)));
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                bytes.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    static String noServer(Path dataDir, IOException e) {
        return "no server is running on data directory " + dataDir + " (" + e.getMessage() + ")";
    }
}
