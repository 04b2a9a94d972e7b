package io.pooldisk.pool;

import io.pooldisk.control.SessionState;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers trusted to speak the PROXY protocol (serve's {@code --proxy-from}): addresses and networks in CIDR
 * notation, IPv4 or IPv6. A connection from one of them must begin with a PROXY v2 header, whose source address then
 * stands for the client everywhere; connections from anyone else are served as they are. {@link #NONE}: off.
 */
public final class ProxySources {

    /** No proxy: every connection is taken as coming from its peer. */
    public static final ProxySources NONE = new ProxySources(List.of(), "");

    private record Network(byte[] address, int prefixBits) {
        boolean covers(byte[] a) {
            if (a.length != address.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (a[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[whole] & mask) == (address[whole] & mask);
        }
    }

    private final List<Network> networks;
    private final String text;

    private ProxySources(List<Network> networks, String text) {
        this.networks = networks;
        this.text = text;
    }

    /**
     * Reads "ADDR[,ADDR|CIDR...]": IP addresses, networks such as {@code 10.0.0.0/8} or {@code fd00::/8}, or host
     * names (resolved now, every address they have). Empty: {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static ProxySources parse(String list) {
        List<Network> networks = new ArrayList<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            String host = slash < 0 ? e : e.substring(0, slash);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            InetAddress[] addresses;
            try {
                addresses = slash < 0 ? InetAddress.getAllByName(host) : new InetAddress[] {literal(host, e)};
            } catch (UnknownHostException ex) {
                throw new IllegalArgumentException("'" + e + "' is neither an address, a network nor a known host");
            }
            for (InetAddress a : addresses) {
                byte[] bytes = a.getAddress();
                int bits = bytes.length * 8;
                if (slash >= 0) {
                    try {
                        bits = Integer.parseInt(e.substring(slash + 1));
                    } catch (NumberFormatException ex) {
                        bits = -1;
                    }
                    if (bits < 0 || bits > bytes.length * 8) {
                        throw new IllegalArgumentException(
                                "'" + e + "': the prefix length must be between 0 and " + bytes.length * 8);
                    }
                }
                networks.add(new Network(bytes, bits));
            }
        }
        return networks.isEmpty() ? NONE : new ProxySources(List.copyOf(networks), list.strip());
    }

    /** An IP address written out, never looked up: before a '/', a name makes no sense. */
    private static InetAddress literal(String host, String entry) throws UnknownHostException {
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException(
                    "'" + entry + "': a network is written as an IP address, '/' and" + " a prefix length");
        }
        return InetAddress.getByName(host);
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    /** Whether the peer {@code client} ("host:port", as accepted) is one of these. */
    boolean covers(String client) {
        String host = SessionState.hostOf(client);
        byte[] address;
        try {
            address = host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0)) && host.charAt(0) != ':'
                    ? null
                    : InetAddress.getByName(host).getAddress(); // a literal from accept: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
        if (address == null) {
            return false;
        }
        for (Network n : networks) {
            if (n.covers(address)) {
                return true;
            }
        }
        return false;
    }

    /** As given: "127.0.0.1,10.0.0.0/8". */
    @Override
    public String toString() {
        return text;
    }
}
