package io.pooldisk.pool;

/** The server could not start; the message is one line a person can act on (port in use, data directory, ...). */
public final class PoolStartException extends Exception {

    public PoolStartException(String message) {
        super(message);
    }

    public PoolStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
