package io.pooldisk.protocol;

/** Where a PoolDisk server listens unless told otherwise, and so where clients look for one. */
public final class DefaultAddress {

    public static final String HOST = "127.0.0.1";

    public static final int PORT = 8080;

    private DefaultAddress() {}
}
