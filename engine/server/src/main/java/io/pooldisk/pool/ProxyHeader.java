package io.pooldisk.pool;

import io.pooldisk.unix.AddressText;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The binary PROXY protocol header, version 2 (haproxy's doc/proxy-protocol.txt, section 2.2), that a TLS-terminating
 * proxy such as HAProxy ({@code send-proxy-v2}) sends before anything else, read as it arrives: in pieces, never a
 * byte beyond its end (the client's first request line may follow in the same segment, and is the worker's). Its 16
 * fixed bytes: the 12-byte signature, version and command (0x20 LOCAL, 0x21 PROXY), address family and transport,
 * and the length of what follows (addresses, then TLVs, which are skipped). Version 1 (the text form) is refused.
 */
final class ProxyHeader {

    /** \r\n\r\n\0\r\nQUIT\n: what no other protocol starts with, and makes a server not expecting it quit. */
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** The signature, version and command, family and transport, and the 2-byte length. */
    static final int FIXED_BYTES = 16;
    /** The most that may follow the fixed part: the addresses (216 bytes at most) and TLVs, within reason. */
    static final int MAX_LENGTH = 1024;

    private static final int LOCAL = 0x0;
    private static final int PROXY = 0x1;
    private static final int AF_UNSPEC = 0x0;
    private static final int AF_INET = 0x1;
    private static final int AF_INET6 = 0x2;
    private static final int AF_UNIX = 0x3;
    private static final int STREAM = 0x1;
    private static final byte[] V1_START = {'P', 'R', 'O', 'X', 'Y', ' '};

    private byte[] bytes = new byte[FIXED_BYTES];
    private int have;
    /** The whole header's length, once its fixed part is in; -1 before. */
    private int total = -1;

    /** A header that is not one PoolDisk accepts: the connection is closed, and the message logged. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    /** How many bytes to read next: never beyond the header's end; 0 once it is complete. */
    int missing() {
        return (total < 0 ? FIXED_BYTES : total) - have;
    }

    boolean complete() {
        return total >= 0 && have == total;
    }

    /** Takes {@code n} bytes from the start of {@code src} (at most {@link #missing()}), checking them as they come. */
    void take(ByteBuffer src, int n) throws MalformedException {
        if (n > missing()) {
            throw new IllegalArgumentException(n + " bytes offered, " + missing() + " missing");
        }
        src.get(0, bytes, have, n);
        int from = have;
        have += n;
        checkSignature(from);
        if (total < 0 && have == FIXED_BYTES) {
            readFixedPart();
        }
    }

    /** As {@link #take(ByteBuffer, int)}, as many times as {@code src} needs, for tests: all of it must belong. */
    void take(byte[] src) throws MalformedException {
        int at = 0;
        while (at < src.length) {
            int n = Math.min(missing(), src.length - at);
            if (n == 0) {
                throw new IllegalArgumentException((src.length - at) + " bytes beyond the header's end");
            }
            take(ByteBuffer.wrap(src, at, n).slice(), n);
            at += n;
        }
    }

    private void checkSignature(int from) throws MalformedException {
        for (int i = from; i < Math.min(have, SIGNATURE.length); i++) {
            if (bytes[i] != SIGNATURE[i]) {
                int prefix = Math.min(have, V1_START.length);
                if (Arrays.equals(bytes, 0, prefix, V1_START, 0, prefix)) {
                    throw new MalformedException("a PROXY protocol version 1 (text) header; only version 2 is"
                            + " accepted (send-proxy-v2 in haproxy.cfg)");
                }
                throw new MalformedException("no PROXY protocol v2 signature (byte " + i + " is 0x"
                        + Integer.toHexString(bytes[i] & 0xff) + ")");
            }
        }
    }

    private void readFixedPart() throws MalformedException {
        int versionCommand = bytes[12] & 0xff;
        if (versionCommand >> 4 != 2) {
            throw new MalformedException("PROXY protocol version " + (versionCommand >> 4) + ", not 2");
        }
        int command = versionCommand & 0xf;
        if (command != LOCAL && command != PROXY) {
            throw new MalformedException("unknown PROXY command 0x" + Integer.toHexString(command));
        }
        int family = (bytes[13] & 0xff) >> 4;
        if (family > AF_UNIX || (bytes[13] & 0xf) > 2) {
            throw new MalformedException("unknown address family and transport 0x" + Integer.toHexString(bytes[13]));
        }
        int length = ((bytes[14] & 0xff) << 8) | (bytes[15] & 0xff);
        if (length > MAX_LENGTH) {
            throw new MalformedException("PROXY header of " + (FIXED_BYTES + length) + " bytes, more than the "
                    + (FIXED_BYTES + MAX_LENGTH) + " accepted");
        }
        int addresses = command == LOCAL ? 0 : addressBytes(family);
        if (length < addresses) {
            throw new MalformedException("PROXY header too short for its addresses (" + length + " bytes)");
        }
        total = FIXED_BYTES + length;
        bytes = Arrays.copyOf(bytes, total);
    }

    private static int addressBytes(int family) {
        return switch (family) {
            case AF_INET -> 12;
            case AF_INET6 -> 36;
            case AF_UNIX -> 216;
            default -> 0;
        };
    }

    /**
     * The client's address as the proxy saw it ("1.2.3.4:5678", "[2001:db8::1]:5678"), or {@code peer} (the proxy's
     * own) for a LOCAL header (the proxy's health check) or an unspecified family, as the specification asks.
     *
     * @throws MalformedException for a UNIX or datagram source, which no TCP client of PoolDisk can have
     */
    String client(String peer) throws MalformedException {
        if (!complete()) {
            throw new IllegalStateException("the PROXY header is not complete");
        }
        int command = bytes[12] & 0xf;
        int family = (bytes[13] & 0xff) >> 4;
        if (command == LOCAL || family == AF_UNSPEC) {
            return peer;
        }
        if ((bytes[13] & 0xf) != STREAM || (family != AF_INET && family != AF_INET6)) {
            throw new MalformedException("a PROXY header for a client that is not TCP (family and transport 0x"
                    + Integer.toHexString(bytes[13] & 0xff) + ")");
        }
        int size = family == AF_INET ? 4 : 16;
        byte[] source = Arrays.copyOfRange(bytes, FIXED_BYTES, FIXED_BYTES + size);
        int portAt = FIXED_BYTES + 2 * size;
        int port = ((bytes[portAt] & 0xff) << 8) | (bytes[portAt + 1] & 0xff);
        return AddressText.of(source, port);
    }
}
