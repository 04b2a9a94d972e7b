package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The PROXY protocol v2 header as haproxy's doc/proxy-protocol.txt (section 2.2) defines it, read in pieces. */
class ProxyHeaderTest {

    /** A v2 header: {@code verCmd} 0x21 PROXY or 0x20 LOCAL, {@code fam} e.g. 0x11 TCP4, then {@code rest}. */
    static byte[] header(int verCmd, int fam, byte[] rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ProxyHeader.SIGNATURE);
        out.write(verCmd);
        out.write(fam);
        out.write(rest.length >> 8);
        out.write(rest.length & 0xff);
        out.writeBytes(rest);
        return out.toByteArray();
    }

    /** The address block of a TCP client {@code src:srcPort} connected to {@code dst:dstPort}, and {@code tlvs}. */
    static byte[] addresses(String src, int srcPort, String dst, int dstPort, byte[] tlvs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(InetAddress.getByName(src).getAddress());
        out.writeBytes(InetAddress.getByName(dst).getAddress());
        out.write(srcPort >> 8);
        out.write(srcPort & 0xff);
        out.write(dstPort >> 8);
        out.write(dstPort & 0xff);
        out.writeBytes(tlvs);
        return out.toByteArray();
    }

    /** What HAProxy's send-proxy-v2 sends for a TCP4 client 192.0.2.7:51000: sent whole. */
    static byte[] tcp4() throws Exception {
        return header(0x21, 0x11, addresses("192.0.2.7", 51000, "10.0.0.1", 8443, new byte[0]));
    }

    @Test
    void readsATcp4HeaderInOnePiece() throws Exception {
        ProxyHeader h = new ProxyHeader();
        assertThat(h.missing()).isEqualTo(16);
        h.take(tcp4());
        assertThat(h.complete()).isTrue();
        assertThat(h.missing()).isZero();
        assertThat(h.client("127.0.0.1:40000")).isEqualTo("192.0.2.7:51000");
    }

    @Test
    void readsAHeaderThatArrivesOneByteAtATimeAndNeverAsksForMoreThanItNeeds() throws Exception {
        byte[] bytes = tcp4();
        ProxyHeader h = new ProxyHeader();
        for (int i = 0; i < bytes.length; i++) {
            assertThat(h.complete()).isFalse();
            assertThat(h.missing()).isBetween(1, bytes.length - i);
            h.take(new byte[] {bytes[i]});
        }
        assertThat(h.complete()).isTrue();
        assertThat(h.client("127.0.0.1:40000")).isEqualTo("192.0.2.7:51000");
    }

    @Test
    void stopsAtTheHeadersEndSoThatTheFirstRequestLineStaysForTheWorker() throws Exception {
        byte[] bytes = tcp4();
        ProxyHeader h = new ProxyHeader();
        h.take(Arrays.copyOf(bytes, 10));
        assertThat(h.missing()).isEqualTo(6);
        h.take(Arrays.copyOfRange(bytes, 10, 16));
        assertThat(h.missing()).isEqualTo(12);
        byte[] withLine = Arrays.copyOf(Arrays.copyOfRange(bytes, 16, bytes.length), 12 + 8);
        assertThatThrownBy(() -> h.take(withLine)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsATcp6HeaderWithTlvsAndSkipsThem() throws Exception {
        byte[] tlvs = {0x01, 0x00, 0x02, 'h', '2', 0x04, 0x00, 0x00}; // ALPN "h2", an empty NOOP
        ProxyHeader h = new ProxyHeader();
        h.take(header(0x21, 0x21, addresses("2001:db8::7", 443, "2001:db8::1", 8080, tlvs)));
        assertThat(h.client("[::1]:40000")).isEqualTo("[2001:db8::7]:443");
    }

    @Test
    void anIpv4MappedSourceReadsAsIpv4() throws Exception {
        ProxyHeader h = new ProxyHeader();
        byte[] block = addresses("::1", 1, "::1", 2, new byte[0]);
        byte[] mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 192, 0, 2, 9})
                .getAddress(); // Java reads it as an Inet4Address: its 4 bytes
        assertThat(mapped).hasSize(4);
        byte[] v6 = new byte[16];
        v6[10] = -1;
        v6[11] = -1;
        System.arraycopy(mapped, 0, v6, 12, 4);
        System.arraycopy(v6, 0, block, 0, 16);
        h.take(header(0x21, 0x21, block));
        assertThat(h.client("[::1]:40000")).isEqualTo("192.0.2.9:1");
    }

    @Test
    void aLocalHeaderIsTheProxysHealthCheckAndKeepsThePeerAddress() throws Exception {
        ProxyHeader h = new ProxyHeader();
        h.take(header(0x20, 0x00, new byte[0]));
        assertThat(h.complete()).isTrue();
        assertThat(h.client("127.0.0.1:40000")).isEqualTo("127.0.0.1:40000");
        ProxyHeader withAddresses = new ProxyHeader(); // LOCAL with addresses: they are ignored
        withAddresses.take(header(0x20, 0x11, addresses("192.0.2.7", 1, "10.0.0.1", 2, new byte[0])));
        assertThat(withAddresses.client("127.0.0.1:40000")).isEqualTo("127.0.0.1:40000");
    }

    @Test
    void anUnspecifiedFamilyKeepsThePeerAddress() throws Exception {
        ProxyHeader h = new ProxyHeader();
        h.take(header(0x21, 0x00, new byte[0]));
        assertThat(h.client("127.0.0.1:40000")).isEqualTo("127.0.0.1:40000");
    }

    @Test
    void aBadSignatureIsRefusedAtItsFirstWrongByte() throws Exception {
        ProxyHeader h = new ProxyHeader();
        h.take(new byte[] {0x0D, 0x0A});
        assertThatThrownBy(() -> h.take(new byte[] {'E'}))
                .isInstanceOf(ProxyHeader.MalformedException.class)
                .hasMessageContaining("no PROXY protocol v2 signature");
        assertThatThrownBy(() -> new ProxyHeader().take("ECHO hi\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ProxyHeader.MalformedException.class);
    }

    @Test
    void aVersion1HeaderIsRefusedAndNamed() {
        byte[] v1 = "PROXY TCP4 192.0.2.7 10.0.0.1 51000 8443\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new ProxyHeader().take(Arrays.copyOf(v1, 16)))
                .isInstanceOf(ProxyHeader.MalformedException.class)
                .hasMessageContaining("version 1");
    }

    @Test
    void aWrongVersionCommandOrFamilyIsRefused() {
        for (int[] bad : new int[][] {{0x11, 0x11}, {0x22, 0x11}, {0x21, 0x41}, {0x21, 0x13}}) {
            assertThatThrownBy(() -> new ProxyHeader().take(header(bad[0], bad[1], new byte[12])))
                    .as("ver/cmd 0x%x fam 0x%x", bad[0], bad[1])
                    .isInstanceOf(ProxyHeader.MalformedException.class);
        }
    }

    @Test
    void anOversizeHeaderIsRefusedFromItsLengthBeforeItsBytesAreRead() throws Exception {
        byte[] fixed = Arrays.copyOf(header(0x21, 0x11, new byte[0]), 16);
        fixed[14] = (byte) 0xff;
        fixed[15] = (byte) 0xff;
        assertThatThrownBy(() -> new ProxyHeader().take(fixed))
                .isInstanceOf(ProxyHeader.MalformedException.class)
                .hasMessageContaining("more than the " + (16 + ProxyHeader.MAX_LENGTH));
        ProxyHeader justFits = new ProxyHeader();
        justFits.take(header(0x21, 0x11, new byte[ProxyHeader.MAX_LENGTH]));
        assertThat(justFits.complete()).isTrue();
    }

    @Test
    void aLengthTooShortForTheAddressesIsRefused() {
        assertThatThrownBy(() -> new ProxyHeader().take(header(0x21, 0x11, new byte[11])))
                .isInstanceOf(ProxyHeader.MalformedException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> new ProxyHeader().take(header(0x21, 0x21, new byte[12])))
                .isInstanceOf(ProxyHeader.MalformedException.class);
    }

    @Test
    void aUnixOrDatagramSourceIsNotAClientPoolDiskCanHave() throws Exception {
        ProxyHeader unix = new ProxyHeader();
        unix.take(header(0x21, 0x31, new byte[216]));
        assertThatThrownBy(() -> unix.client("127.0.0.1:1")).isInstanceOf(ProxyHeader.MalformedException.class);
        ProxyHeader udp = new ProxyHeader();
        udp.take(header(0x21, 0x12, new byte[12]));
        assertThatThrownBy(() -> udp.client("127.0.0.1:1")).isInstanceOf(ProxyHeader.MalformedException.class);
    }

    @Test
    void proxySourcesMatchAddressesAndNetworks() {
        ProxySources p = ProxySources.parse("127.0.0.1, 10.0.0.0/8,fd00::/8,[::1]");
        assertThat(p.covers("127.0.0.1:5000")).isTrue();
        assertThat(p.covers("127.0.0.2:5000")).isFalse();
        assertThat(p.covers("10.200.3.4:1")).isTrue();
        assertThat(p.covers("11.0.0.1:1")).isFalse();
        assertThat(p.covers("[fd12::1]:1")).isTrue();
        assertThat(p.covers("[fe80::1]:1")).isFalse();
        assertThat(p.covers("[::1]:1")).isTrue();
        assertThat(p.covers("?")).isFalse();
        assertThat(ProxySources.parse(" ").isEmpty()).isTrue();
        assertThat(ProxySources.parse("192.168.1.0/23").covers("192.168.0.255:1"))
                .isTrue();
        assertThat(ProxySources.parse("192.168.1.0/23").covers("192.168.2.0:1")).isFalse();
        assertThatThrownBy(() -> ProxySources.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProxySources.parse("example/8")).isInstanceOf(IllegalArgumentException.class);
    }
}
