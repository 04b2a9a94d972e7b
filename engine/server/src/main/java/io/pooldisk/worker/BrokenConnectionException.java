package io.pooldisk.worker;

import java.io.IOException;

/**
 * The client's connection failed (reset, broken pipe): the session ends, the worker carries on. No stack trace: like
 * the {@link io.pooldisk.unix.NativeException} it usually wraps, it is a normal event, not a bug to locate.
 */
final class BrokenConnectionException extends IOException {

    BrokenConnectionException(Throwable cause) {
        super(cause.getMessage(), cause);
    }

    BrokenConnectionException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
