package io.pooldisk.protocol;

import java.util.Optional;

/**
 * The codes of {@code ERR <code> <message>} (docs/PROTOCOL.md, "Errors"): the one list the server, the CLI client and
 * the GUI client decide by. They follow HTTP's where one fits.
 */
public enum ReplyCode {
    BAD_REQUEST(400, "a malformed request: unknown command, bad arguments or names, a step out of turn"),
    UNAUTHORIZED(401, "not logged in, or authentication failed"),
    FORBIDDEN(403, "not allowed: removing or moving the root, a banned address"),
    NOT_FOUND(404, "no such file, directory, user or upload"),
    REQUEST_TIMEOUT(408, "the client was idle, or too slow with a request line or an upload; the session closes"),
    CONFLICT(409, "the path exists, is a directory or not one, or another session is sending this upload"),
    PRECONDITION_FAILED(412, "an upload's bytes do not match its SHA-256, or a proof of possession failed"),
    LINE_TOO_LONG(413, "a request line longer than 8192 bytes; the session closes"),
    TOO_MANY_REQUESTS(429, "too many failed logins from this address"),
    SERVER_ERROR(500, "the storage failed, a command failed unforeseen, or the session's worker died"),
    BUSY(503, "the server is busy, full, out of file descriptors or shutting down; the session closes"),
    /** No longer sent (a command cut short now closes without a line); clients still take it from older servers. */
    NO_PROGRESS(504, "an older server's: a command made no progress and was ended"),
    INSUFFICIENT_STORAGE(507, "quota exceeded, or the server's disk is full");

    private final int number;
    private final String meaning;

    ReplyCode(int number, String meaning) {
        this.number = number;
        this.meaning = meaning;
    }

    /** The number on the wire. */
    public int number() {
        return number;
    }

    /** What the code means, in a few words. */
    public String meaning() {
        return meaning;
    }

    /** The code a reply's number stands for; empty for a number not on this list. */
    public static Optional<ReplyCode> of(int number) {
        for (ReplyCode c : values()) {
            if (c.number == number) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
