package io.pooldisk.console;

import io.pooldisk.client.ByteSizes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes numbers, sizes, rates and times. */
final class Format {

    static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Format() {}

    /** 1536 gives "1.5 KiB". */
    static String bytes(double bytes) {
        return ByteSizes.human((long) bytes);
    }

    static String rate(double bytesPerSecond) {
        return bytes(bytesPerSecond) + "/s";
    }

    static String perSecond(double count) {
        return String.format(Locale.ROOT, count >= 100 || count == 0 ? "%.0f/s" : "%.1f/s", count);
    }

    /** 1 and "session" give "1 session", 2 give "2 sessions". */
    static String count(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    /** 3725 s gives "1h 02m", 65 s gives "1m 05s". */
    static String uptime(Instant since, Instant now) {
        long seconds = Math.max(0, Duration.between(since, now).toSeconds());
        if (seconds >= 86_400) {
            return String.format(Locale.ROOT, "%dd %02dh", seconds / 86_400, seconds % 86_400 / 3600);
        }
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return seconds >= 60 ? String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60) : seconds + "s";
    }
}
