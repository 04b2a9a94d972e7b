package io.pooldisk.unix;

import jnr.ffi.Pointer;

/** The text of a peer's socket address as the logs show it: "1.2.3.4:80", "[::1]:80". */
public final class AddressText {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private AddressText() {}

    /** Formats a struct sockaddr_in or sockaddr_in6; "?" for any other family. */
    static String of(Pointer sa) {
        int family = sa.getShort(0) & 0xffff;
        int port = ((sa.getByte(2) & 0xff) << 8) | (sa.getByte(3) & 0xff);
        if (family == AF_INET) {
            return ipv4(sa, 4) + ":" + port;
        }
        if (family == AF_INET6 && sa.getLong(8) == 0 && sa.getShort(16) == 0 && sa.getShort(18) == (short) 0xffff) {
            return ipv4(sa, 20) + ":" + port; // an IPv4 client of a dual-stack listener: ::ffff:a.b.c.d
        }
        if (family == AF_INET6) {
            byte[] addr = new byte[16];
            sa.get(8, addr, 0, 16);
            return "[" + ipv6(addr) + "]:" + port;
        }
        return "?";
    }

    /** The RFC 5952 text of an IPv6 address: lower-case hex, the first longest run of 2+ zero groups as "::". */
    public static String ipv6(byte[] addr) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((addr[2 * i] & 0xff) << 8) | (addr[2 * i + 1] & 0xff);
        }
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
                continue;
            }
            if (i > 0 && i != runStart + runLength) {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /**
     * Formats a raw IPv4 (4 bytes) or IPv6 (16 bytes) address and a port as {@link #of(Pointer)} does: an IPv4-mapped
     * IPv6 address as IPv4.
     */
    public static String of(byte[] address, int port) {
        if (address.length == 16 && isV4Mapped(address)) {
            address = java.util.Arrays.copyOfRange(address, 12, 16);
        }
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff) + ":" + port;
        }
        if (address.length == 16) {
            return "[" + ipv6(address) + "]:" + port;
        }
        throw new IllegalArgumentException("an address of " + address.length + " bytes");
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static String ipv4(Pointer sa, int offset) {
        return (sa.getByte(offset) & 0xff) + "." + (sa.getByte(offset + 1) & 0xff) + "."
                + (sa.getByte(offset + 2) & 0xff) + "." + (sa.getByte(offset + 3) & 0xff);
    }
}
