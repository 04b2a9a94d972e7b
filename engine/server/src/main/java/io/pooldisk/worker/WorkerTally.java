package io.pooldisk.worker;

import io.pooldisk.control.Tally;
import io.pooldisk.protocol.ReplyCode;
import java.util.Arrays;

/**
 * The worker's side of the metrics: commands by verb and result, and finished transfers, counted between two reports
 * to the master ({@link Tally}). Counting a command costs one array increment, without allocating; a report scans the
 * array once.
 */
final class WorkerTally {

    /** Result slots: 0 for OK, then one per {@link ReplyCode}, in its order. */
    private static final ReplyCode[] CODES = ReplyCode.values();

    private static final long[] NO_TRANSFERS = new long[0];

    private static final int RESULTS = CODES.length + 1;
    /** {@link Tally#VERBS}' index of each {@link Command}, by ordinal. */
    private static final int[] VERB_OF_COMMAND = new int[Command.values().length];

    static {
        for (Command c : Command.values()) {
            int i = Tally.VERBS.indexOf(c.name());
            VERB_OF_COMMAND[c.ordinal()] = i < 0 ? Tally.OTHER : i;
        }
    }

    private final int[] counts = new int[Tally.VERBS.size() * RESULTS];
    private int nonZero;
    private long[] transfers = new long[4];
    private int transferCount;

    /** The verb index of {@code command}, or {@link Tally#OTHER} for none (an unknown command). */
    static int verbOf(Command command) {
        return command == null ? Tally.OTHER : VERB_OF_COMMAND[command.ordinal()];
    }

    /** A command answered: {@code error} is its ERR code, or null for OK. */
    void command(int verb, ReplyCode error) {
        int i = verb * RESULTS + (error == null ? 0 : error.ordinal() + 1);
        if (counts[i]++ == 0) {
            nonZero++;
        }
    }

    void transfer(boolean upload, long millis) {
        if (transferCount == transfers.length) {
            transfers = Arrays.copyOf(transfers, 2 * transfers.length);
        }
        transfers[transferCount++] = Tally.transfer(upload, millis);
    }

    /** What was counted since the last call, which starts counting again from nothing. */
    Tally take() {
        if (nonZero == 0 && transferCount == 0) {
            return Tally.NONE;
        }
        int[] commands = new int[2 * nonZero];
        int n = 0;
        for (int i = 0; i < counts.length && n < commands.length; i++) {
            if (counts[i] != 0) {
                int result = i % RESULTS;
                commands[n++] = Tally.key(i / RESULTS, result == 0 ? 0 : CODES[result - 1].number());
                commands[n++] = counts[i];
                counts[i] = 0;
            }
        }
        nonZero = 0;
        long[] times = transferCount == 0 ? NO_TRANSFERS : Arrays.copyOf(transfers, transferCount);
        transferCount = 0;
        return new Tally(commands, times);
    }
}
