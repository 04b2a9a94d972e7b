package io.pooldisk.client;

import java.io.IOException;

/** The server answered {@code ERR <code> <message>}, or (code 0) the connection or the reply was not as it should be. */
public final class DiskClientException extends IOException {

    private final int code;

    public DiskClientException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The server's reply as it came: "ERR 404 no such file". */
    @Override
    public String toString() {
        return code == 0 ? getMessage() : "ERR " + code + " " + getMessage();
    }
}
