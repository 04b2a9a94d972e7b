package io.pooldisk.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain TCP client for tests: writes request lines, reads reply lines. */
public final class LineClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public LineClient(InetSocketAddress address) throws IOException {
        this(address, 0);
    }

    /** {@code receiveBuffer} &gt; 0 keeps the client's socket buffer that small: a client that reads slowly. */
    public LineClient(InetSocketAddress address, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    public void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next reply line, or null when the server closed the connection. */
    public String readLine() throws IOException {
        return in.readLine();
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** One character of the reply stream (for payloads of ASCII text). */
    public int readChar() throws IOException {
        return in.read();
    }

    public String request(String line) throws IOException {
        send(line);
        return readLine();
    }

    /** The worker PID named in an ECHO reply. */
    public static int pidOf(String echoReply) {
        int start = echoReply.indexOf("[PID ") + 5;
        return Integer.parseInt(echoReply.substring(start, echoReply.indexOf(']', start)));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
