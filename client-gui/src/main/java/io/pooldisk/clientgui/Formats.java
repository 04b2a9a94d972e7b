package io.pooldisk.clientgui;

import io.pooldisk.client.ByteSizes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How sizes, speeds, times and paths read in the client. */
final class Formats {

    private static final DateTimeFormatter MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private Formats() {}

    /** 0 B, 999 B, 1.5 KiB, 23.4 MiB: powers of 1024, one decimal above bytes. */
    static String size(long bytes) {
        return ByteSizes.human(bytes);
    }

    /** "40.0 of 200.0 MiB", or "512.0 KiB of 3.0 MiB" when the units differ. */
    static String sizeOf(long done, long total) {
        String d = size(done);
        String t = size(total);
        String unit = t.substring(t.indexOf(' '));
        return d.endsWith(unit) && !unit.equals(" B")
                ? d.substring(0, d.length() - unit.length()) + " of " + t
                : d + " of " + t;
    }

    static String speed(double bytesPerSecond) {
        return bytesPerSecond <= 0 ? "" : size((long) bytesPerSecond) + "/s";
    }

    /** 4 s, 2 min 05 s, 1 h 07 min; "" when unknown (negative). */
    static String timeLeft(long seconds) {
        if (seconds < 0) {
            return "";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    static String modified(Instant when) {
        return when == null ? "" : MODIFIED.format(when.atZone(ZoneId.systemDefault()));
    }

    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    // ---------------------------------------------------------------- remote paths

    /** {@code dir} joined with {@code name}: child("/", "a") = "/a", child("/a", "b") = "/a/b". */
    static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** The parent of an absolute remote path; "/" for "/" and top-level names. */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** The last segment of a remote path ("" for "/"). */
    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * {@code wanted}, or "name (1).ext", "name (2).ext" ... : the first that {@code taken} does not hold.
     */
    static String freeName(String wanted, java.util.function.Predicate<String> taken) {
        if (!taken.test(wanted)) {
            return wanted;
        }
        int dot = wanted.lastIndexOf('.');
        String stem = dot > 0 ? wanted.substring(0, dot) : wanted;
        String ext = dot > 0 ? wanted.substring(dot) : "";
        for (int i = 1; ; i++) {
            String candidate = stem + " (" + i + ")" + ext;
            if (!taken.test(candidate)) {
                return candidate;
            }
        }
    }
}
