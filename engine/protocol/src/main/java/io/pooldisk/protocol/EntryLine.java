package io.pooldisk.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The line that describes one file or directory in LIST and STAT replies: {@code <kind> <size> <modified> <sha256>
 * <name>}, the name last so that it may hold spaces.
 *
 * @param directory whether it is a directory
 * @param size      bytes (0 for a directory)
 * @param modified  last change, to the second
 * @param sha256    lowercase hex, "" for a directory
 * @param name      the name (or the full path, in STAT)
 */
public record EntryLine(boolean directory, long size, Instant modified, String sha256, String name) {

    public String format() {
        return (directory ? "D" : "F") + " " + size + " " + modified.truncatedTo(ChronoUnit.SECONDS) + " "
                + (sha256.isEmpty() ? "-" : sha256) + " " + name;
    }

    public static EntryLine parse(String line) throws CommandException {
        String[] f = line.split(" ", 5);
        if (f.length != 5 || !(f[0].equals("D") || f[0].equals("F"))) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "not an entry line: " + line);
        }
        try {
            return new EntryLine(
                    f[0].equals("D"), Long.parseLong(f[1]), Instant.parse(f[2]), f[3].equals("-") ? "" : f[3], f[4]);
        } catch (RuntimeException e) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "not an entry line: " + line);
        }
    }
}
