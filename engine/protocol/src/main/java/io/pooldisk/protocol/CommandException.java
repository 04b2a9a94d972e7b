package io.pooldisk.protocol;

/**
 * A request the server refuses and then goes on: it answers {@code ERR <code> <message>} and the session stays open.
 * The one type a command throws for an expected failure (the storage layer's {@code DiskException} is one).
 */
public class CommandException extends Exception {

    private final ReplyCode code;

    public CommandException(ReplyCode code, String message) {
        super(message);
        this.code = code;
    }

    public CommandException(ReplyCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ReplyCode replyCode() {
        return code;
    }

    /** The code's number, as on the wire. */
    public int code() {
        return code.number();
    }

    /** The ERR line that answers the request. */
    public String replyLine() {
        return Reply.err(code, getMessage());
    }
}
