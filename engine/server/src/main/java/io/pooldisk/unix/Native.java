package io.pooldisk.unix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/** The C library, loaded once for the classes of this package. Constants are Linux's (x86_64 and aarch64 agree). */
final class Native {

    static final LibC C = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(C);
    static final boolean X86_64 = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;

    private Native() {}
}
