package io.pooldisk.pool;

import io.pooldisk.auth.AddressRange;
import io.pooldisk.auth.Ban;
import java.time.Instant;
import java.util.List;

/**
 * The administrator's bans as the master checks them on every accept: built off the loop from the stored list
 * whenever it changes, then used by the loop alone. Checking costs nothing while there is no ban and, with bans,
 * parses the peer's text without allocating and compares it with each network (a handful of masks).
 */
final class Bans {

    static final Bans NONE = new Bans(List.of());

    private final AddressRange[] ranges;
    /** Each ban's end in epoch milliseconds; Long.MAX_VALUE for a permanent one. */
    private final long[] until;
    /** The latest end: past it, every ban ran out and the check is a comparison. */
    private final long lastUntil;
    /** The loop's scratch for a parsed address. */
    private final long[] bits = new long[2];

    private Bans(List<Ban> bans) {
        ranges = new AddressRange[bans.size()];
        until = new long[bans.size()];
        long last = Long.MIN_VALUE;
        for (int i = 0; i < ranges.length; i++) {
            Ban b = bans.get(i);
            ranges[i] = b.range();
            until[i] = b.until() == null ? Long.MAX_VALUE : b.until().toEpochMilli();
            last = Math.max(last, until[i]);
        }
        lastUntil = last;
    }

    /** The matcher for {@code bans} (the manual ones: automatic bans are checked at login). */
    static Bans of(List<Ban> bans) {
        return bans.isEmpty() ? NONE : new Bans(bans);
    }

    boolean isEmpty() {
        return ranges.length == 0;
    }

    /**
     * The end of the ban that refuses {@code peer} ("1.2.3.4:80", "[::1]:80" as accept gives it, or a bare address)
     * at {@code nowMillis} (epoch ms): Long.MAX_VALUE for a permanent one, -1 when none does.
     */
    long refusedUntil(String peer, long nowMillis) {
        if (nowMillis >= lastUntil) {
            return -1; // no ban, or all ran out: the common case, once per connection
        }
        int from = 0;
        int to = peer.length();
        if (peer.startsWith("[")) {
            from = 1;
            to = peer.indexOf(']');
        } else if (peer.indexOf(':') == peer.lastIndexOf(':') && peer.indexOf(':') >= 0) {
            to = peer.indexOf(':'); // IPv4 with its port
        }
        int family = to < 0 ? 0 : AddressRange.parseAddress(peer, from, to, bits);
        if (family == 0) {
            return -1;
        }
        long end = -1;
        for (int i = 0; i < ranges.length; i++) {
            if (until[i] > nowMillis && until[i] > end && ranges[i].contains(family, bits[0], bits[1])) {
                end = until[i];
            }
        }
        return end;
    }

    /** How a refused client hears when it may come back. */
    static String refusal(long until) {
        return "your address is banned from this server"
                + (until == Long.MAX_VALUE
                        ? ""
                        : " until " + Instant.ofEpochMilli(until).toString());
    }
}
