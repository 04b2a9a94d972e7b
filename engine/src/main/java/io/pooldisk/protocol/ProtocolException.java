package io.pooldisk.protocol;

/** A request the server refuses, with the code and message of the ERR line it answers. */
public final class ProtocolException extends Exception {

    private final int code;

    public ProtocolException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String replyLine() {
        return Reply.err(code, getMessage());
    }
}
