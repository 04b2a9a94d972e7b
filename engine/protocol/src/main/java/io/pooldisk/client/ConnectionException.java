package io.pooldisk.client;

/**
 * The connection to the server could not be made, or broke: no reply came, so a command sent may or may not have been
 * done. Reconnecting is the cure; the message names the server's address and the reason.
 */
public final class ConnectionException extends DiskClientException {

    public ConnectionException(String message) {
        super(0, message);
    }

    /** With the exception the connection failed with ({@code ConnectException}, {@code UnknownHostException}...). */
    public ConnectionException(String message, Throwable cause) {
        super(0, message);
        initCause(cause);
    }
}
