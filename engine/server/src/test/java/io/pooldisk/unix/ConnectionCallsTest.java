package io.pooldisk.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The calls a connection goes through, on real sockets: accept's peer text, reads and writes by buffer address. */
class ConnectionCallsTest {

    private final SockaddrBuffer sockaddr = Sockets.allocateSockaddr();

    @Test
    void acceptNamesThePeerAsTheLogsShowIt() throws IOException {
        assertThat(acceptFrom("127.0.0.1", "127.0.0.1")).isEqualTo("127.0.0.1:%d");
        assertThat(acceptFrom("::1", "::1")).isEqualTo("[::1]:%d");
        // A dual-stack listener sees an IPv4 client as ::ffff:127.0.0.1; the logs show it as IPv4.
        assertThat(acceptFrom("::", "127.0.0.1")).isEqualTo("127.0.0.1:%d");
    }

    @Test
    void ipv6AddressesAreWrittenAsRfc5952Says() throws Exception {
        assertThat(AddressText.ipv6(InetAddress.getByName("::1").getAddress())).isEqualTo("::1");
        assertThat(AddressText.ipv6(new byte[16])).isEqualTo("::");
        assertThat(AddressText.ipv6(
                        InetAddress.getByName("2001:DB8:0:0:1:0:0:1").getAddress()))
                .isEqualTo("2001:db8::1:0:0:1"); // the first of two equal runs
        assertThat(AddressText.ipv6(InetAddress.getByName("2001:0:0:1:0:0:0:1").getAddress()))
                .isEqualTo("2001:0:0:1::1"); // the longest run
        assertThat(AddressText.ipv6(
                        InetAddress.getByName("2001:db8:0:1:1:1:1:1").getAddress()))
                .isEqualTo("2001:db8:0:1:1:1:1:1"); // one zero group stays
        assertThat(AddressText.ipv6(InetAddress.getByName("fe80::a:0").getAddress()))
                .isEqualTo("fe80::a:0");
    }

    /** The peer text accept gave, with the client's port replaced by %d. */
    private String acceptFrom(String listenOn, String connectTo) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName(listenOn), 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (Socket client = new Socket(connectTo, port)) {
                Sockets.Accepted accepted = Sockets.accept(Sockets.fdOf(listener), sockaddr);
                accepted.fd().close();
                return accepted.peer().replace(":" + client.getLocalPort(), ":%d");
            }
        }
    }

    @Test
    void readsAndWritesFromTheBuffersPosition() throws IOException {
        try (Connected c = new Connected()) {
            ByteBuffer out = ByteBuffer.allocateDirect(16);
            out.put("xxhello".getBytes(StandardCharsets.US_ASCII)).flip().position(2);
            DescriptorIo.writeFully(c.server, out);
            assertThat(out.hasRemaining()).isFalse();

            ByteBuffer in = ByteBuffer.allocateDirect(16).put((byte) '>');
            c.client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            assertThat(DescriptorIo.read(c.server, in)).isEqualTo(2);
            assertThat(StandardCharsets.US_ASCII.decode(in.flip()).toString()).isEqualTo(">hi");
            assertThat(new String(c.client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
        }
    }

    @Test
    void tryReadAnswersEndOfStreamAndResetWithoutThrowing() throws IOException {
        ByteBuffer in = ByteBuffer.allocateDirect(16);
        try (Connected c = new Connected()) {
            c.client.shutdownOutput();
            assertThat(DescriptorIo.tryRead(c.server, in)).isZero();
        }
        try (Connected c = new Connected()) {
            c.client.setSoLinger(true, 0); // closing sends a reset
            c.client.close();
            assertThat(DescriptorIo.tryRead(c.server, in)).isEqualTo(-Errors.ECONNRESET);
        }
    }

    @Test
    void aHeapBufferIsRefused() throws IOException {
        try (Connected c = new Connected()) {
            assertThatThrownBy(() -> DescriptorIo.read(c.server, ByteBuffer.allocate(8)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("direct");
        }
    }

    /** A loopback TCP connection: a JDK socket as the client, the accepted descriptor as the server's end. */
    private final class Connected implements AutoCloseable {
        final Socket client;
        final int server;
        private final FileDescriptor serverEnd;
        private final ServerSocketChannel listener = ServerSocketChannel.open();

        Connected() throws IOException {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = new Socket(
                    InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
            serverEnd = Sockets.accept(Sockets.fdOf(listener), sockaddr).fd();
            server = serverEnd.intValue();
        }

        @Override
        public void close() throws IOException {
            serverEnd.close();
            client.close();
            listener.close();
        }
    }
}
