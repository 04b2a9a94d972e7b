package io.pooldisk.protocol;

/**
 * Reply lines of the PoolDisk protocol (docs/PROTOCOL.md): every reply starts with {@code OK} or
 * {@code ERR <code> <message>} and ends with LF. Codes follow HTTP's where one fits.
 */
public final class Reply {

    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;
    public static final int REQUEST_TIMEOUT = 408;
    public static final int LINE_TOO_LONG = 413;
    public static final int SERVER_ERROR = 500;
    public static final int BUSY = 503;

    private Reply() {
    }

    public static String ok(String text) {
        return text.isEmpty() ? "OK\n" : "OK " + text + "\n";
    }

    public static String err(int code, String message) {
        return "ERR " + code + " " + oneLine(message) + "\n";
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
