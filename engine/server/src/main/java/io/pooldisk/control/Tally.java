package io.pooldisk.control;

import java.util.Arrays;
import java.util.List;

/**
 * What a worker counted for the metrics since its last report, carried in {@link ControlMessage.Counters}: commands
 * by verb and result, and the durations of the transfers that finished. Sparse and small: a report of one hand-off
 * usually holds one to three entries and no transfer.
 *
 * @param commands  pairs of (key, count); a key is {@code verb << 16 | result}, {@code verb} an index into
 *                  {@link #VERBS}, {@code result} 0 for OK or the number of the ERR code (401)
 * @param transfers one entry per finished transfer: its duration in milliseconds, shifted left by one, with the low
 *                  bit set for an upload and clear for a download ({@link #transfer})
 */
public record Tally(int[] commands, long[] transfers) {

    /**
     * The verbs commands are counted by: the protocol's commands in the order of the workers' command table, and
     * {@code other} for a request line that names none (or cannot be read). A command missing here counts as
     * {@code other}; a test holds the two lists together.
     */
    public static final List<String> VERBS = List.of(
            "ECHO", "LOGIN", "PROOF", "WHOAMI", "PWD", "CD", "LIST", "STAT", "MKDIR", "RM", "RMTREE", "MV", "PUT",
            "HASH", "GET", "HELP", "QUIT", "other");

    /** The index of {@code other} in {@link #VERBS}. */
    public static final int OTHER = VERBS.size() - 1;

    /** Nothing counted. */
    public static final Tally NONE = new Tally(new int[0], new long[0]);

    public Tally {
        if (commands.length % 2 != 0) {
            throw new IllegalArgumentException("command counts come in pairs, not " + commands.length + " ints");
        }
    }

    /** The key of a command count: a verb's index in {@link #VERBS} and a result (0: OK, else the ERR code). */
    public static int key(int verb, int result) {
        return verb << 16 | result;
    }

    public static int verbOf(int key) {
        return key >>> 16;
    }

    public static int resultOf(int key) {
        return key & 0xffff;
    }

    /** An entry of {@link #transfers}. */
    public static long transfer(boolean upload, long millis) {
        return Math.max(0, millis) << 1 | (upload ? 1 : 0);
    }

    public static boolean isUpload(long transfer) {
        return (transfer & 1) != 0;
    }

    public static long millisOf(long transfer) {
        return transfer >>> 1;
    }

    public boolean isEmpty() {
        return commands.length == 0 && transfers.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tally t && Arrays.equals(commands, t.commands) && Arrays.equals(transfers, t.transfers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(commands) + Arrays.hashCode(transfers);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Tally[");
        for (int i = 0; i < commands.length; i += 2) {
            int verb = verbOf(commands[i]);
            b.append(verb < VERBS.size() ? VERBS.get(verb) : "#" + verb)
                    .append(' ')
                    .append(resultOf(commands[i]) == 0 ? "OK" : Integer.toString(resultOf(commands[i])))
                    .append('=')
                    .append(commands[i + 1])
                    .append(", ");
        }
        for (long t : transfers) {
            b.append(isUpload(t) ? "upload " : "download ").append(millisOf(t)).append(" ms, ");
        }
        return b.append(']').toString().replace(", ]", "]");
    }
}
