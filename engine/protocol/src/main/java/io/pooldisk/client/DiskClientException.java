package io.pooldisk.client;

import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.util.Optional;

/**
 * The server answered {@code ERR <code> <message>}, or (code 0) its reply was not as it should be; a broken or refused
 * connection is the subclass {@link ConnectionException}.
 */
public class DiskClientException extends IOException {

    private final int code;

    public DiskClientException(int code, String message) {
        super(message);
        this.code = code;
    }

    public DiskClientException(ReplyCode code, String message) {
        this(code.number(), message);
    }

    /** The number the server answered with, as it came; 0 when there was no ERR reply. */
    public int code() {
        return code;
    }

    /** The server's code; empty without an ERR reply, or for a number not on the list (a newer server's). */
    public Optional<ReplyCode> replyCode() {
        return ReplyCode.of(code);
    }

    /** Whether the server answered with one of {@code codes}. */
    public boolean is(ReplyCode... codes) {
        for (ReplyCode c : codes) {
            if (c.number() == code) {
                return true;
            }
        }
        return false;
    }

    /** The server's reply as it came: "ERR 404 no such file". */
    @Override
    public String toString() {
        return code == 0 ? getMessage() : "ERR " + code + " " + getMessage();
    }
}
