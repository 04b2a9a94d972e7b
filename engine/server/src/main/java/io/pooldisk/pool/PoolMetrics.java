package io.pooldisk.pool;

import io.pooldisk.control.Tally;
import io.pooldisk.protocol.ReplyCode;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The totals behind {@code /metrics} that the scoreboard does not keep: commands by verb and result, failed logins
 * and the durations of transfers (docs/METRICS.md). The master's loop adds to them from the {@link Tally} in each
 * worker report; a scrape reads them from its own thread. Adding costs an atomic add per entry and allocates nothing.
 */
public final class PoolMetrics {

    /** Upper bounds of the transfer duration buckets, in seconds (+Inf besides). */
    static final double[] TRANSFER_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800
    };

    private static final ReplyCode[] CODES = ReplyCode.values();
    /** Result slots: 0 for OK, then one per {@link ReplyCode} in its order. */
    private static final int RESULTS = CODES.length + 1;

    private static final int PROOF = Tally.VERBS.indexOf("PROOF");

    private final AtomicLongArray commands = new AtomicLongArray(Tally.VERBS.size() * RESULTS);
    private final AtomicLong loginFailures = new AtomicLong();
    private final Histogram uploads = new Histogram(TRANSFER_BUCKETS);
    private final Histogram downloads = new Histogram(TRANSFER_BUCKETS);

    /** Adds a worker's report (on the master's loop). */
    void count(Tally tally) {
        int[] c = tally.commands();
        for (int i = 0; i < c.length; i += 2) {
            int verb = Tally.verbOf(c[i]);
            int result = Tally.resultOf(c[i]);
            int slot = slotOf(result);
            if (verb < Tally.VERBS.size() && slot >= 0) {
                commands.getAndAdd(verb * RESULTS + slot, c[i + 1]);
            }
            if (verb == PROOF && result == ReplyCode.UNAUTHORIZED.number()) {
                for (int n = 0; n < c[i + 1]; n++) {
                    recordLoginFailure();
                }
            }
        }
        for (long t : tally.transfers()) {
            recordTransfer(Tally.isUpload(t) ? "upload" : "download", Tally.millisOf(t) / 1000.0);
        }
    }

    /** A finished upload or download ({@code direction}: "upload" or "download") that took {@code seconds}. */
    public void recordTransfer(String direction, double seconds) {
        switch (direction) {
            case "upload" -> uploads.observe(seconds);
            case "download" -> downloads.observe(seconds);
            default -> throw new IllegalArgumentException("a transfer is an upload or a download, not " + direction);
        }
    }

    /** A login that failed for its credentials (ERR 401 to a PROOF). */
    public void recordLoginFailure() {
        loginFailures.incrementAndGet();
    }

    public long loginFailures() {
        return loginFailures.get();
    }

    /** Commands of {@code verb} (as in {@link Tally#VERBS}) answered with {@code result} ("OK", or a code: "404"). */
    public long commands(String verb, String result) {
        int v = Tally.VERBS.indexOf(verb);
        int slot = slotOf(result.equals("OK") ? 0 : Integer.parseInt(result));
        return v < 0 || slot < 0 ? 0 : commands.get(v * RESULTS + slot);
    }

    /** Calls {@code each} for every verb and result counted at least once. */
    void forEachCommandCount(CommandCount each) {
        for (int i = 0; i < commands.length(); i++) {
            long n = commands.get(i);
            if (n != 0) {
                int slot = i % RESULTS;
                each.accept(
                        Tally.VERBS.get(i / RESULTS), slot == 0 ? "OK" : Integer.toString(CODES[slot - 1].number()), n);
            }
        }
    }

    Histogram.Snapshot uploads() {
        return uploads.snapshot();
    }

    Histogram.Snapshot downloads() {
        return downloads.snapshot();
    }

    /** The slot of a result: 0 for OK (0), else its code's; -1 for a number that is no code. */
    private static int slotOf(int result) {
        if (result == 0) {
            return 0;
        }
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i].number() == result) {
                return i + 1;
            }
        }
        return -1;
    }

    @FunctionalInterface
    interface CommandCount {
        void accept(String verb, String result, long count);
    }

    /** A histogram of seconds: observed rarely (once a transfer), read whole by a scrape. */
    static final class Histogram {
        private final double[] bounds;
        private final long[] counts;
        private double sum;

        Histogram(double[] bounds) {
            this.bounds = bounds.clone();
            this.counts = new long[bounds.length + 1];
        }

        synchronized void observe(double seconds) {
            int i = 0;
            while (i < bounds.length && seconds > bounds[i]) {
                i++;
            }
            counts[i]++;
            sum += seconds;
        }

        /** Cumulative counts, one per bound and the last for +Inf (which is the count), and the sum. */
        synchronized Snapshot snapshot() {
            long[] cumulative = new long[counts.length];
            long total = 0;
            for (int i = 0; i < counts.length; i++) {
                total += counts[i];
                cumulative[i] = total;
            }
            return new Snapshot(bounds.clone(), cumulative, sum);
        }

        record Snapshot(double[] bounds, long[] cumulative, double sum) {
            long count() {
                return cumulative[cumulative.length - 1];
            }
        }
    }
}
