package io.pooldisk.unix;

import java.nio.ByteBuffer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** Native memory for the structures system calls take, and the addresses of direct buffers. */
final class DirectMemory {

    private static final sun.misc.Unsafe UNSAFE = unsafe();
    private static final long BUFFER_ADDRESS = bufferAddressOffset();

    private DirectMemory() {}

    /** Zeroed native memory, freed when the returned pointer is collected. */
    static Pointer allocate(int bytes) {
        return Memory.allocateDirect(Native.RUNTIME, bytes, true);
    }

    /**
     * Where a direct buffer's memory starts, read from the buffer's own field as Netty and Agrona do: jnr-ffi would
     * ask JNI for it on every call. The buffer must stay reachable until the call that uses the address returns
     * (the callers use it after the call, or fence it): a collected buffer frees its memory.
     */
    static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("a heap buffer has no fixed address: system calls take direct buffers");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("deprecation") // objectFieldOffset stays supported for fields of ordinary classes
    private static long bufferAddressOffset() {
        try {
            return UNSAFE.objectFieldOffset(java.nio.Buffer.class.getDeclaredField("address"));
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
