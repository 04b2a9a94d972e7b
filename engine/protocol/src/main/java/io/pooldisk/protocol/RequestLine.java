package io.pooldisk.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request line: a command word (case-insensitive) and the rest of the line as its argument, kept as typed.
 *
 * @param command  the command word, upper case
 * @param argument everything after the first space, or ""
 */
public record RequestLine(String command, String argument) {

    /** The longest request line accepted, without its line ending. */
    public static final int MAX_BYTES = 8192;

    /** Parses the bytes of one line (line ending already removed). */
    public static RequestLine parse(ByteBuffer bytes) throws CommandException {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "request line is not valid UTF-8");
        }
        if (text.isBlank()) {
            throw new CommandException(ReplyCode.BAD_REQUEST, "empty request line; try HELP");
        }
        int space = text.indexOf(' ');
        String word = space < 0 ? text : text.substring(0, space);
        String argument = space < 0 ? "" : text.substring(space + 1);
        return new RequestLine(word.toUpperCase(Locale.ROOT), argument);
    }
}
