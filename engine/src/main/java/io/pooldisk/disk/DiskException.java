package io.pooldisk.disk;

/**
 * A storage or account operation that could not be done, with the protocol's reply code (HTTP's where one fits):
 * 400 bad name or argument, 401 not logged in or authentication failed, 403 forbidden, 404 not found, 409 conflict,
 * 412 hash mismatch or bad proof, 429 too many failed logins, 500 storage failure, 507 quota exceeded or disk full.
 */
public final class DiskException extends Exception {

    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int CONFLICT = 409;
    public static final int PRECONDITION_FAILED = 412;
    public static final int TOO_MANY_REQUESTS = 429;
    public static final int STORAGE_FAILURE = 500;
    public static final int INSUFFICIENT_STORAGE = 507;

    private final int code;

    public DiskException(int code, String message) {
        super(message);
        this.code = code;
    }

    public DiskException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
