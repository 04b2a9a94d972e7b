package io.pooldisk.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the ban list: an address or network refused by the administrator ({@link Source#MANUAL}, refused when
 * it connects) or by the login throttle after failed logins ({@link Source#AUTOMATIC}, refused when it logs in).
 *
 * @param until null for a permanent ban
 */
public record Ban(AddressRange range, String reason, Instant since, Instant until, Source source) {

    /** Who put the ban there. */
    public enum Source {
        MANUAL,
        AUTOMATIC;

        /** "manual", "automatic": as the list shows it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The word that stands for "no end" where a ban's length is written. */
    public static final String PERMANENT = "permanent";

    /** The cli's duration syntax ({@code 90s}, {@code 10m}, {@code 2h}), and days ({@code 7d}). */
    private static final Pattern LENGTH = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    public boolean permanent() {
        return until == null;
    }

    /** Whether the ban still holds at {@code now}. */
    public boolean activeAt(Instant now) {
        return until == null || until.isAfter(now);
    }

    /**
     * A ban's length as people write it: {@code 10m}, {@code 2h}, {@code 7d}, plain seconds, or {@value #PERMANENT}
     * (null).
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static Duration parseLength(String text) {
        String s = text.strip();
        if (s.equalsIgnoreCase(PERMANENT)) {
            return null;
        }
        Matcher m = LENGTH.matcher(s);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a ban length (examples: 10m, 2h, 7d, " + PERMANENT + ")");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** The inverse of {@link #parseLength}: {@code 2h}, {@code 7d}, {@value #PERMANENT} for null. */
    public static String formatLength(Duration d) {
        if (d == null) {
            return PERMANENT;
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
