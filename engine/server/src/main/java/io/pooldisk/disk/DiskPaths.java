package io.pooldisk.disk;

import io.pooldisk.protocol.ReplyCode;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Paths of the namespace: absolute, '/'-separated, NFC, each name checked. They live only in SQLite: nothing here
 * ever becomes a filesystem path.
 */
final class DiskPaths {

    static final String ROOT = "/";
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 4096;

    private DiskPaths() {}

    /**
     * The normalised absolute path that {@code input} names, read relative to {@code cwd} unless it starts with '/'.
     * One trailing '/' is allowed ("docs/" is "docs"); "." and ".." are not: a path names one place only.
     */
    static String resolve(String cwd, String input) throws DiskException {
        if (input == null || input.isEmpty()) {
            throw bad("a path is required");
        }
        String text = Normalizer.normalize(input, Normalizer.Form.NFC);
        checkCharacters(text);
        String joined = text.startsWith("/") ? text : (ROOT.equals(cwd) ? "" : cwd) + "/" + text;
        if (joined.length() > 1 && joined.endsWith("/") && !joined.endsWith("//")) {
            joined = joined.substring(0, joined.length() - 1);
        }
        if (joined.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw bad("path is longer than " + MAX_PATH_BYTES + " bytes");
        }
        if (!joined.equals(ROOT)) {
            for (String name : joined.substring(1).split("/", -1)) {
                checkName(name);
            }
        }
        return joined;
    }

    /** The path as stored: callers hand over resolved paths, but anything else is resolved from the root. */
    static String canonical(String path) throws DiskException {
        return resolve(ROOT, path);
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? ROOT : path.substring(0, slash);
    }

    /** The path of {@code name} inside directory {@code dir}. */
    static String child(String dir, String name) {
        return (dir.equals(ROOT) ? "" : dir) + "/" + name;
    }

    static String name(String path) {
        return path.equals(ROOT) ? ROOT : path.substring(path.lastIndexOf('/') + 1);
    }

    /** Whether {@code path} lies strictly inside directory {@code dir}. */
    static boolean isInside(String path, String dir) {
        return dir.equals(ROOT) ? !path.equals(ROOT) : path.startsWith(dir + "/");
    }

    private static void checkName(String name) throws DiskException {
        if (name.isEmpty()) {
            throw bad("empty name in path (two '/' in a row)");
        }
        if (name.equals(".") || name.equals("..")) {
            throw bad("'" + name + "' is not allowed in a path: use a path from the root or from here");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            String start = name.substring(0, name.offsetByCodePoints(0, 16));
            throw bad("name '" + start + "...' is longer than " + MAX_NAME_BYTES + " bytes");
        }
    }

    private static void checkCharacters(String text) throws DiskException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw bad("NUL character in path");
            }
            if (Character.isISOControl(c)) {
                throw bad(String.format("control character U+%04X in path", (int) c));
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    throw bad("path is not valid Unicode");
                }
                i++;
            }
        }
    }

    private static DiskException bad(String message) {
        return new DiskException(ReplyCode.BAD_REQUEST, message);
    }
}
