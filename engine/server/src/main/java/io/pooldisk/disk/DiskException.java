package io.pooldisk.disk;

import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.ReplyCode;

/**
 * A storage or account operation that could not be done, with the reply that says so: 400 bad name or argument, 401
 * not logged in or authentication failed, 403 forbidden, 404 not found, 409 conflict, 412 hash mismatch or bad proof,
 * 429 too many failed logins, 500 storage failure, 507 quota exceeded or disk full.
 */
public final class DiskException extends CommandException {

    public DiskException(ReplyCode code, String message) {
        super(code, message);
    }

    public DiskException(ReplyCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
