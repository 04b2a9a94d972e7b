package io.pooldisk.pool;

import java.util.function.Consumer;

/**
 * A warning that can recur thousands of times a second (accept failing, connections refused): said the first time,
 * then at most once per interval with how many times it happened meanwhile, so that a flood writes a line every
 * few seconds rather than megabytes.
 */
final class RepeatedWarning {

    private final long intervalMillis;
    private long saidAt = Long.MIN_VALUE;
    private long unsaid;

    RepeatedWarning(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    /** Counts one occurrence at {@code now}; says {@code message} when the interval since the last saying is over. */
    void occurred(long now, String message, Consumer<String> say) {
        if (saidAt != Long.MIN_VALUE && now - saidAt < intervalMillis) {
            unsaid++;
            return;
        }
        say.accept(
                unsaid == 0
                        ? message
                        : message + " (and " + unsaid + " more like it in the last " + (now - saidAt) / 1000 + " s)");
        saidAt = now;
        unsaid = 0;
    }
}
