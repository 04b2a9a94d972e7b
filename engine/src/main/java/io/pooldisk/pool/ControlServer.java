package io.pooldisk.pool;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The control socket in the data directory ({@code control.sock}, mode 0600), one request line and one answer per
 * connection: {@code pooldisk status} sends {@code STATUS} and reads the scoreboard as JSON; {@code pooldisk resize}
 * sends {@code RESIZE n}. Served on a thread of its own, one short request at a time.
 */
final class ControlServer implements AutoCloseable {

    private final Path path;
    private final PoolServer server;
    private ServerSocketChannel channel;
    private Thread thread;

    ControlServer(Path path, PoolServer server) {
        this.path = path;
        this.server = server;
    }

    void start() throws IOException {
        Files.deleteIfExists(path); // a stale socket of a dead server; the data directory lock says none runs
        channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        thread = new Thread(this::serve, "pooldisk-control");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        while (channel.isOpen()) {
            try (SocketChannel client = channel.accept()) {
                answer(client);
            } catch (IOException e) {
                if (channel.isOpen()) {
                    System.err.println("pooldisk: control socket: " + e.getMessage());
                }
            }
        }
    }

    private void answer(SocketChannel client) throws IOException {
        String request = readLine(client);
        String reply;
        if (!sameUser(client)) {
            reply = "ERR 403 only the server's owner may use its control socket\n";
        } else if (request.equals("STATUS")) {
            reply = StatusJson.write(server.snapshot()) + "\n";
        } else if (request.startsWith("RESIZE ")) {
            reply = resize(request.substring("RESIZE ".length())) + "\n";
        } else {
            reply = "ERR 400 unknown control request\n";
        }
        client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
    }

    private String resize(String count) {
        int workers;
        try {
            workers = Integer.parseInt(count);
            server.resize(workers);
        } catch (IllegalArgumentException e) { // not a number, or out of range
            return "ERR 400 RESIZE takes a worker count from 1 to " + PoolConfig.MAX_WORKERS + ", not '" + count + "'";
        }
        return "OK the pool is being resized to " + workers + (workers == 1 ? " worker" : " workers");
    }

    /** The socket file is 0600 already; the peer's credentials are checked as well. */
    private static boolean sameUser(SocketChannel client) {
        try {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return peer.user().getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (buf.hasRemaining()) {
            int n = client.read(buf);
            if (n < 0) {
                break;
            }
            if (n > 0 && buf.get(buf.position() - 1) == '\n') {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
