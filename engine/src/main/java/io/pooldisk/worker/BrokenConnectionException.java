package io.pooldisk.worker;

import java.io.IOException;

/** The client's connection failed (reset, broken pipe): the session ends, the worker carries on. */
final class BrokenConnectionException extends IOException {

    BrokenConnectionException(Throwable cause) {
        super(cause.getMessage(), cause);
    }

    BrokenConnectionException(String message) {
        super(message);
    }
}
