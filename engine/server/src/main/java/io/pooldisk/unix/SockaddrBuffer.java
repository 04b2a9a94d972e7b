package io.pooldisk.unix;

import jnr.ffi.Pointer;

/**
 * Scratch memory for {@link Sockets#accept}: a struct sockaddr_storage and its length. A caller that accepts in a loop
 * allocates one ({@link Sockets#allocateSockaddr}) and reuses it for every connection; it keeps jnr's types inside this
 * package.
 */
public final class SockaddrBuffer {

    final Pointer memory;

    SockaddrBuffer(Pointer memory) {
        this.memory = memory;
    }
}
