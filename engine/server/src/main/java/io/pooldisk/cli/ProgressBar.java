package io.pooldisk.cli;

import io.pooldisk.client.ByteSizes;
import io.pooldisk.client.TransferListener;
import java.io.PrintStream;

/**
 * A one-line progress bar for a terminal: bytes, speed and time left, redrawn at most ten times a second. Prints
 * nothing when output is not a terminal.
 */
public final class ProgressBar implements TransferListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private long startBytes = -1;
    private long lastDraw;

    public ProgressBar(PrintStream out, String label, boolean enabled) {
        this.out = out;
        this.label = label;
        this.enabled = enabled;
    }

    @Override
    public void progress(long done, long total) {
        if (!enabled) {
            return;
        }
        if (startBytes < 0) {
            startBytes = done;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double speed = (done - startBytes) / seconds;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        String left = speed > 0 && done < total ? formatDuration((long) ((total - done) / speed)) : "--:--";
        out.printf(
                "\r%-20.20s [%s%s] %3d%% %9s %9s/s %s left ",
                label,
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                total == 0 ? 100 : (int) (100 * done / total),
                ByteSizes.human(done),
                ByteSizes.human((long) speed),
                left);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }

    static String formatDuration(long seconds) {
        return seconds >= 3600
                ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%02d:%02d", seconds / 60, seconds % 60);
    }
}
