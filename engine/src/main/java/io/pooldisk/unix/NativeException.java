package io.pooldisk.unix;

import java.io.IOException;

/** A failed C library call: the call's name and its errno, with the system's text for it. */
public final class NativeException extends IOException {

    private final int errno;

    public NativeException(String call, int errno) {
        super(call + ": " + describe(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    static String describe(int errno) {
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e == null || e == jnr.constants.platform.Errno.__UNKNOWN_CONSTANT__ ? "error " + errno : e.description();
    }

    public int errno() {
        return errno;
    }
}
