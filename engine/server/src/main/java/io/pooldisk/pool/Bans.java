package io.pooldisk.pool;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** Client hosts refused until a time, set by the administrator. Touched only by the master loop. */
final class Bans {

    private final LongSupplier clock;
    /** Host to the monotonic millisecond its ban ends. */
    private final Map<String, Long> until = new HashMap<>();

    /** {@code clock}: monotonic milliseconds, the master's. */
    Bans(LongSupplier clock) {
        this.clock = clock;
    }

    /** Refuses {@code host} for {@code millis} from now (a later ban replaces an earlier one). */
    void ban(String host, long millis) {
        until.put(host, clock.getAsLong() + millis);
    }

    /** Whether {@code host} is refused now; a ban that ran out is forgotten. */
    boolean refuses(String host) {
        if (until.isEmpty()) {
            return false; // the common case, once per connection
        }
        Long end = until.get(host);
        if (end != null && clock.getAsLong() >= end) {
            until.remove(host);
            return false;
        }
        return end != null;
    }
}
