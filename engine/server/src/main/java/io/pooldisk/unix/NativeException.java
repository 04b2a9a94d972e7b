package io.pooldisk.unix;

import java.io.IOException;

/**
 * A failed C library call: the call's name and its errno, with the system's text for it.
 *
 * <p>Without a stack trace: the call and errno say what happened, and these are thrown in the normal course of
 * serving (a client that resets its connection, a read that times out), thousands of times a second under connection
 * churn, where filling in stack traces cost about 5% of a worker's time.
 */
public final class NativeException extends IOException {

    private final String call;
    private final int errno;

    public NativeException(String call, int errno) {
        this.call = call;
        this.errno = errno;
    }

    /** Built when asked for: most of these are handled by their errno alone. */
    @Override
    public String getMessage() {
        return call + ": " + describe(errno) + " (errno " + errno + ")";
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    static String describe(int errno) {
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e == null || e == jnr.constants.platform.Errno.__UNKNOWN_CONSTANT__ ? "error " + errno : e.description();
    }

    public int errno() {
        return errno;
    }

    /** The process (EMFILE) or the system (ENFILE) has no file descriptor left to give. */
    public boolean outOfDescriptors() {
        return errno == Errors.EMFILE || errno == Errors.ENFILE;
    }
}
