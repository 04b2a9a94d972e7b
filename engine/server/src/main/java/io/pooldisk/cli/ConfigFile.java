package io.pooldisk.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code pooldisk.properties} file as {@code serve} reads it: {@code key = value} (or {@code key: value}) a line,
 * blank lines, and comments from a {@code #} or {@code !} at the start of a line or from a {@code #} after a space to
 * the end of the line (so that {@code serve --print-config} can say where each value came from). No escapes and no
 * continued lines, unlike {@link java.util.Properties}: every line is one setting, and errors can name it. A key given
 * twice is an error, as it is on the command line.
 *
 * @param path    the file (also when it does not exist)
 * @param exists  false when there is no file: every option keeps its default
 * @param entries each key with its value and the line it is on, in the file's order
 */
record ConfigFile(Path path, boolean exists, Map<String, Entry> entries) {

    /** The name of the file {@code serve} reads from its data directory. */
    static final String NAME = "pooldisk.properties";

    record Entry(String key, String value, int line) {}

    /** Why a file cannot be used: a one-line message that names the file, and the line when there is one. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** No file at {@code path}: defaults. */
    static ConfigFile none(Path path) {
        return new ConfigFile(path, false, Map.of());
    }

    /** Reads {@code path}; with {@code required} false a file that does not exist is {@link #none}. */
    static ConfigFile read(Path path, boolean required) throws Invalid {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!required) {
                return none(path);
            }
            throw new Invalid("configuration file " + path + " does not exist");
        } catch (CharacterCodingException e) {
            throw new Invalid("cannot read configuration file " + path + ": it is not UTF-8 text");
        } catch (IOException e) {
            throw new Invalid("cannot read configuration file " + path + ": " + reason(e));
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = withoutComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            int n = i + 1;
            int eq = firstSeparator(line);
            if (eq <= 0) {
                throw new Invalid(path + " line " + n + ": expected 'key = value', not '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            Entry entry = new Entry(key, line.substring(eq + 1).strip(), n);
            Entry earlier = entries.putIfAbsent(key, entry);
            if (earlier != null) {
                throw new Invalid(path + " line " + n + ": '" + key + "' is set already on line " + earlier.line());
            }
        }
        return new ConfigFile(path, true, Collections.unmodifiableMap(entries));
    }

    /** "line 3: workers = eight" style: where an entry is, for messages. */
    String where(Entry e) {
        return path + " line " + e.line() + ": " + e.key() + " = " + e.value();
    }

    private static String withoutComment(String line) {
        String s = line.stripLeading();
        if (s.startsWith("#") || s.startsWith("!")) {
            return "";
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == '#' && Character.isWhitespace(s.charAt(i - 1))) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    private static int firstSeparator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
