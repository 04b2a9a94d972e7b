package io.pooldisk.clientgui;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One TCP connection to a PoolDisk server, kept open between lines and opened again when the server
 * dropped it or the target changed. Blocking: use it from one background thread, never the FX thread.
 */
final class EchoConnection implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int REPLY_TIMEOUT_MILLIS = 15_000;

    private InetSocketAddress target;
    private Socket socket;
    private BufferedReader in;
    private Writer out;

    /**
     * Sends one line to {@code server} (an unresolved address: resolving happens here, off the FX thread)
     * and reads the reply line. A kept connection that turns out dead is replaced once.
     */
    EchoReply exchange(InetSocketAddress server, String line) throws IOException {
        if (socket != null && server.equals(target)) {
            try {
                return roundTrip(line);
            } catch (IOException dropped) {
                close();
            }
        }
        close();
        connect(server);
        return roundTrip(line);
    }

    private void connect(InetSocketAddress server) throws IOException {
        Socket fresh = new Socket();
        try {
            fresh.connect(new InetSocketAddress(server.getHostString(), server.getPort()), CONNECT_TIMEOUT_MILLIS);
            fresh.setSoTimeout(REPLY_TIMEOUT_MILLIS);
            in = new BufferedReader(new InputStreamReader(fresh.getInputStream(), StandardCharsets.UTF_8));
            out = new OutputStreamWriter(fresh.getOutputStream(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
        socket = fresh;
        target = server;
    }

    private EchoReply roundTrip(String line) throws IOException {
        long sent = System.nanoTime();
        out.write(line + "\n");
        out.flush();
        String reply = in.readLine();
        if (reply == null) {
            throw new EOFException("the server closed the connection");
        }
        return new EchoReply(reply, Duration.ofNanos(System.nanoTime() - sent));
    }

    /** Says QUIT if connected (without waiting for the answer) and closes the socket. */
    @Override
    public void close() {
        if (socket == null) {
            return;
        }
        try (Socket closing = socket) {
            out.write("QUIT\n");
            out.flush();
        } catch (IOException alreadyGone) {
            // nothing to say goodbye to
        }
        socket = null;
        target = null;
    }
}
