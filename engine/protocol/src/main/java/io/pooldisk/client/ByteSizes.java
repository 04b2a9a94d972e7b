package io.pooldisk.client;

import java.util.Locale;

/** Sizes for people: one way of writing them for the command line, the client and the console. */
public final class ByteSizes {

    private static final String UNITS = "KMGTPE";

    private ByteSizes() {}

    /** Powers of 1024 with one decimal above bytes: 0 B, 1023 B, 1.5 KiB, 2.9 MiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / Math.pow(1024, unit), UNITS.charAt(unit - 1));
    }
}
