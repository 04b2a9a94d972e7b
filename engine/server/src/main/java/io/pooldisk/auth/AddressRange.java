package io.pooldisk.auth;

import io.pooldisk.unix.AddressText;
import java.nio.ByteBuffer;

/**
 * An IPv4 or IPv6 network in CIDR form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a single address is a /32 or a
 * /128. Host bits are cleared, so {@code 10.1.2.3/8} is {@code 10.0.0.0/8}, and an IPv4-mapped IPv6 network
 * ({@code ::ffff:10.0.0.0/104}) is the IPv4 one, as the server sees such clients. Immutable.
 */
public final class AddressRange {

    private final boolean v6;
    /** The network's bits: IPv6 in both, IPv4 in the low 32 of {@link #lo} (hi 0). */
    private final long hi;

    private final long lo;
    private final int prefix;
    private final long hiMask;
    private final long loMask;

    private AddressRange(boolean v6, long hi, long lo, int prefix) {
        this.v6 = v6;
        this.prefix = prefix;
        if (v6) {
            hiMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
            loMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        } else {
            hiMask = 0;
            loMask = prefix == 0 ? 0 : (0xffff_ffffL << (32 - prefix)) & 0xffff_ffffL;
        }
        this.hi = hi & hiMask;
        this.lo = lo & loMask;
    }

    /**
     * Parses an address or a network: {@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code ::1}, {@code 2001:db8::/32}.
     *
     * @throws IllegalArgumentException saying what is wrong, in terms a person typed
     */
    public static AddressRange parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("an address or network is needed (examples: 192.0.2.7, 10.0.0.0/8)");
        }
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        long[] bits = new long[2];
        int family = parseAddress(address, 0, address.length(), bits);
        if (family == 0) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
        }
        boolean v6 = family == 6;
        int max = v6 ? 128 : 32;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + p + "' after the / is not a prefix length (0-" + max + ")");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException(
                        "/" + prefix + " is too long for an IPv" + family + " network: the prefix length is 0-" + max);
            }
        }
        if (v6 && bits[0] == 0 && bits[1] >>> 32 == 0xffffL && prefix >= 96) {
            return new AddressRange(false, 0, bits[1] & 0xffff_ffffL, prefix - 96); // ::ffff:a.b.c.d
        }
        return new AddressRange(v6, bits[0], bits[1], prefix);
    }

    /** The single address {@code host} (no prefix), or null when it is not an address. */
    public static AddressRange ofAddress(String host) {
        long[] bits = new long[2];
        int family = host == null ? 0 : parseAddress(host, 0, host.length(), bits);
        return family == 0 ? null : parse(host);
    }

    public boolean isIpv6() {
        return v6;
    }

    public int prefix() {
        return prefix;
    }

    /** Whether this is one address: a /32 or a /128. */
    public boolean isSingleAddress() {
        return prefix == (v6 ? 128 : 32);
    }

    /** Whether the address {@code host} (text, without port) is in this network; false when it is no address. */
    public boolean contains(String host) {
        long[] bits = new long[2];
        int family = host == null ? 0 : parseAddress(host, 0, host.length(), bits);
        return family != 0 && contains(family, bits[0], bits[1]);
    }

    /** Whether an address as {@link #parseAddress} left it ({@code family} 4 or 6) is in this network. */
    public boolean contains(int family, long addrHi, long addrLo) {
        if (family == 4 && !v6) {
            return (addrLo & loMask) == lo;
        }
        return family == 6 && v6 && (addrHi & hiMask) == hi && (addrLo & loMask) == lo;
    }

    /** Whether every address of {@code other} is in this network. */
    public boolean covers(AddressRange other) {
        return other.v6 == v6 && other.prefix >= prefix && contains(v6 ? 6 : 4, other.hi, other.lo);
    }

    /**
     * Parses the address in {@code s[from, to)} into {@code out} (IPv6: high and low 64 bits; IPv4: the low 32 bits of
     * {@code out[1]}) without allocating, for the master's check of every connection.
     *
     * @return 4 or 6, or 0 when it is neither
     */
    public static int parseAddress(CharSequence s, int from, int to, long[] out) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == ':') {
                return parseV6(s, from, to, out) ? 6 : 0;
            }
        }
        long v4 = parseV4(s, from, to);
        if (v4 < 0) {
            return 0;
        }
        out[0] = 0;
        out[1] = v4;
        return 4;
    }

    /** Dotted decimal, four parts 0-255 without leading zeros (which some read as octal); -1 if not. */
    private static long parseV4(CharSequence s, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int start = i;
            int part = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                part = part * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || part > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | part;
            parts++;
            if (parts < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i == to ? value : -1;
    }

    /** RFC 4291 text: eight groups of 1-4 hex digits, one "::" for a run of zeros, a dotted IPv4 tail allowed. */
    private static boolean parseV6(CharSequence s, int from, int to, long[] out) {
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = from;
        if (i + 1 < to && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            gap = 0;
            i += 2;
        } else if (i < to && s.charAt(i) == ':') {
            return false;
        }
        while (i < to) {
            if (count == 8) {
                return false;
            }
            int start = i;
            int group = 0;
            while (i < to && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0) {
                group = (group << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < to && s.charAt(i) == '.') { // the last 32 bits as an IPv4 address
                long v4 = count <= 6 ? parseV4(s, start, to) : -1;
                if (v4 < 0) {
                    return false;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                i = to;
                break;
            }
            if (i == start || i - start > 4) {
                return false;
            }
            groups[count++] = group;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return false; // a second "::"
                }
                gap = count;
                i++;
            } else if (i == to) {
                return false; // a trailing single ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return false;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long h = 0;
        long l = 0;
        for (int g = 0; g < 4; g++) {
            h = (h << 16) | full[g];
            l = (l << 16) | full[g + 4];
        }
        out[0] = h;
        out[1] = l;
        return true;
    }

    /**
     * The canonical text: the network address (RFC 5952 for IPv6, as the server's logs write client addresses), and
     * the prefix unless it is a single address.
     */
    @Override
    public String toString() {
        String address = v6 ? ipv6Text(hi, lo) : ipv4Text(lo);
        return isSingleAddress() ? address : address + "/" + prefix;
    }

    private static String ipv4Text(long v) {
        return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    private static String ipv6Text(long hi, long lo) {
        return AddressText.ipv6(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.v6 == v6 && r.hi == hi && r.lo == lo && r.prefix == prefix;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi) * 31 + Long.hashCode(lo) * 17 + prefix + (v6 ? 1 << 20 : 0);
    }
}
