package io.pooldisk.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request's argument as docs/PROTOCOL.md says: a lone path is the rest of the line, spaces included, unless
 * it starts with a double quote; several arguments are separated by spaces, and one that holds a space, a quote or a
 * backslash is written in double quotes with {@code \"} and {@code \\} escapes. Anything else that looks like quoting
 * (a quote left open, a backslash before another character, a closing quote with more text right after it) is
 * refused, never guessed at: {@code "C:\dir"} must not quietly become {@code C:dir}.
 */
public final class Arguments {

    private Arguments() {}

    /** The one path a command takes: the rest of the line, or one quoted argument. */
    public static String path(String argument) throws CommandException {
        if (argument.startsWith("\"")) {
            List<String> parts = split(argument);
            if (parts.size() != 1) {
                throw new CommandException(ReplyCode.BAD_REQUEST, "expected one path");
            }
            return parts.get(0);
        }
        if (argument.isEmpty()) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "a path is missing");
        }
        return argument;
    }

    /** Exactly {@code count} arguments, quoted or bare. */
    public static List<String> exactly(int count, String argument, String usage) throws CommandException {
        List<String> parts = split(argument);
        if (parts.size() != count) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "usage: " + usage);
        }
        return parts;
    }

    /**
     * {@code count - 1} bare words, then the rest of the line (or one quoted argument) as the last: for commands
     * like {@code PUT <size> <sha256> <path>}.
     */
    public static List<String> wordsThenPath(int count, String argument, String usage) throws CommandException {
        List<String> parts = new ArrayList<>();
        String rest = argument;
        for (int i = 0; i < count - 1; i++) {
            int space = rest.indexOf(' ');
            if (space <= 0) {
                throw new CommandException(ReplyCode.BAD_REQUEST, "usage: " + usage);
            }
            parts.add(rest.substring(0, space));
            rest = rest.substring(space + 1);
        }
        if (rest.isEmpty()) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "usage: " + usage);
        }
        parts.add(path(rest)); // a badly quoted path says what is wrong with it
        return parts;
    }

    /** Writes {@code value} so that {@link #split} reads it back as one argument. */
    public static String quote(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\\')) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Splits a line into words by the same rules: what the command-line shell does with what a person types. */
    public static List<String> split(String argument) throws CommandException {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = argument.length();
        while (i < n) {
            if (argument.charAt(i) == ' ') {
                i++;
                continue;
            }
            StringBuilder sb = new StringBuilder();
            if (argument.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = argument.charAt(i++);
                    if (c == '\\' && i < n) {
                        char escaped = argument.charAt(i++);
                        if (escaped != '"' && escaped != '\\') {
                            throw new CommandException(
                                    ReplyCode.BAD_REQUEST,
                                    "in quotes a backslash escapes only '\"' "
                                            + "and '\\'; write a backslash as '\\\\'");
                        }
                        sb.append(escaped);
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        sb.append(c);
                    }
                }
                if (!closed) {
                    throw new CommandException(ReplyCode.BAD_REQUEST, "unterminated quote");
                }
                if (i < n && argument.charAt(i) != ' ') {
                    throw new CommandException(
                            ReplyCode.BAD_REQUEST,
                            "a closing quote must be followed by a space or " + "the end of the line");
                }
            } else {
                while (i < n && argument.charAt(i) != ' ') {
                    sb.append(argument.charAt(i++));
                }
            }
            parts.add(sb.toString());
        }
        return parts;
    }

    /** A non-negative decimal 64-bit number, or ERR 400 naming {@code what}. */
    public static long number(String text, String what) throws CommandException {
        try {
            long n = Long.parseLong(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new CommandException(
                ReplyCode.BAD_REQUEST, what + " must be a number from 0 to " + Long.MAX_VALUE + ", not '" + text + "'");
    }

    /** A SHA-256 in 64 lowercase hexadecimal digits (upper case accepted and lowered). */
    public static String sha256(String text) throws CommandException {
        String hex = Sha256.canonical(text);
        if (hex == null) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "a SHA-256 is 64 hexadecimal digits");
        }
        return hex;
    }
}
