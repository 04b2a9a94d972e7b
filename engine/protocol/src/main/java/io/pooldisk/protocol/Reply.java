package io.pooldisk.protocol;

/**
 * Reply lines of the PoolDisk protocol (docs/PROTOCOL.md): every reply starts with {@code OK} or
 * {@code ERR <code> <message>} and ends with LF; the codes are {@link ReplyCode}s.
 */
public final class Reply {

    private Reply() {}

    public static String ok(String text) {
        return text.isEmpty() ? "OK\n" : "OK " + text + "\n";
    }

    public static String err(ReplyCode code, String message) {
        return "ERR " + code.number() + " " + oneLine(message) + "\n";
    }

    /** The seed's echo: {@code OK PROCESS[PID 1234]: HELLO}. */
    public static String echo(long pid, String text) {
        return "OK PROCESS[PID " + pid + "]: " + text.toUpperCase(java.util.Locale.ROOT) + "\n";
    }

    /** Messages are one line; anything that would break the framing is replaced by a space. */
    static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
