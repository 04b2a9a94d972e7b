package io.pooldisk.client;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes for people: one way of writing them for the command line, the client and the console. */
public final class ByteSizes {

    private static final String UNITS = "KMGTPE";
    private static final Pattern FORM =
            Pattern.compile("(\\d{1,19}(?:\\.\\d{1,9})?)\\s*(?:([KMGTP])(iB|B)?|B)?", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {}

    /**
     * Reads a size as people write it: {@code 500M}, {@code 2G}, {@code 10GiB}, {@code 1.5T}, {@code 100MB} or plain
     * bytes. K, M, G, T, P and KiB... are powers of 1024; KB, MB... powers of 1000. Fractions of a byte round up.
     *
     * @throws IllegalArgumentException for anything else, with examples
     */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 500M, 2G, 10GiB, 1048576)");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            int power = UNITS.indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
            boolean decimal = "B".equalsIgnoreCase(m.group(3));
            n = n.multiply(BigDecimal.valueOf(decimal ? 1000 : 1024).pow(power));
        }
        try {
            return n.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** Powers of 1024 with one decimal above bytes: 0 B, 1023 B, 1.5 KiB, 2.9 MiB. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / Math.pow(1024, unit), UNITS.charAt(unit - 1));
    }
}
