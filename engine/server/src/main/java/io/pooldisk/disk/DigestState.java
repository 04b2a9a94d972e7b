package io.pooldisk.disk;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Saves and restores the inner state of the JDK's SHA-256 (its eight chaining words, the partial block and the byte
 * count: about 120 bytes), so that an upload parked in the middle can go on hashing in another worker process without
 * reading back what it already received. MessageDigest has no API for this; the fields are read and written through
 * {@code sun.misc.Unsafe}, as {@code unix.DirectMemory} reads a buffer's address (no --add-opens needed). Where the
 * fields are not what this JDK had, {@link #save} answers an empty array and {@link #restore} null, and the caller
 * hashes the file again: slower, never wrong. A self-test at start-up decides which.
 */
final class DigestState {

    private static final String SPI = "sun.security.provider.SHA2$SHA256";
    private static final byte VERSION = 1;
    private static final sun.misc.Unsafe UNSAFE = unsafe();
    private static final Layout LAYOUT = Layout.find();

    private DigestState() {}

    /** The field offsets of this JDK's SHA-256, or null where they could not be found or failed the self-test. */
    private record Layout(long spi, long buffer, long bufOfs, long bytesProcessed, long state) {

        @SuppressWarnings("deprecation") // objectFieldOffset stays supported for fields of ordinary classes
        static Layout find() {
            try {
                Class<?> delegate = Class.forName("java.security.MessageDigest$Delegate");
                Class<?> base = Class.forName("sun.security.provider.DigestBase");
                Class<?> sha2 = Class.forName("sun.security.provider.SHA2");
                Layout layout = new Layout(
                        offset(delegate, "digestSpi"),
                        offset(base, "buffer"),
                        offset(base, "bufOfs"),
                        offset(base, "bytesProcessed"),
                        offset(sha2, "state"));
                return layout.selfTest() ? layout : null;
            } catch (ReflectiveOperationException | NoSuchAlgorithmException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        @SuppressWarnings("deprecation")
        private static long offset(Class<?> c, String name) throws NoSuchFieldException {
            Field f = c.getDeclaredField(name);
            return UNSAFE.objectFieldOffset(f);
        }

        /** Hashes a text in two parts, carrying the state across, and checks the result against one pass. */
        private boolean selfTest() throws NoSuchAlgorithmException {
            byte[] text = "PoolDisk carries a SHA-256 state between worker processes"
                    .repeat(3)
                    .getBytes(StandardCharsets.UTF_8);
            MessageDigest first = MessageDigest.getInstance("SHA-256");
            first.update(text, 0, 100);
            byte[] saved = save(this, first);
            MessageDigest second = saved.length == 0 ? null : restore(this, saved, 100);
            if (second == null) {
                return false;
            }
            second.update(text, 100, text.length - 100);
            return Arrays.equals(
                    second.digest(), MessageDigest.getInstance("SHA-256").digest(text));
        }
    }

    /** The state of {@code digest} (a SHA-256 from {@link MessageDigest#getInstance}), or an empty array. */
    static byte[] save(MessageDigest digest) {
        return LAYOUT == null ? new byte[0] : save(LAYOUT, digest);
    }

    /** A SHA-256 that continues from {@code saved} after {@code expectedBytes}, or null (unknown or mismatched). */
    static MessageDigest restore(byte[] saved, long expectedBytes) {
        return LAYOUT == null || saved.length == 0 ? null : restore(LAYOUT, saved, expectedBytes);
    }

    private static byte[] save(Layout l, MessageDigest digest) {
        Object spi = spiOf(l, digest);
        if (spi == null) {
            return new byte[0];
        }
        byte[] block = (byte[]) UNSAFE.getObject(spi, l.buffer());
        int bufOfs = UNSAFE.getInt(spi, l.bufOfs());
        int[] words = (int[]) UNSAFE.getObject(spi, l.state());
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 4 * words.length + bufOfs);
        out.put(VERSION).putLong(UNSAFE.getLong(spi, l.bytesProcessed())).putInt(bufOfs);
        for (int w : words) {
            out.putInt(w);
        }
        out.put(block, 0, bufOfs);
        return out.array();
    }

    private static MessageDigest restore(Layout l, byte[] saved, long expectedBytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Object spi = spiOf(l, digest);
            if (spi == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(saved);
            if (in.get() != VERSION) {
                return null;
            }
            long bytes = in.getLong();
            int bufOfs = in.getInt();
            int[] words = (int[]) UNSAFE.getObject(spi, l.state());
            byte[] block = (byte[]) UNSAFE.getObject(spi, l.buffer());
            if (bytes != expectedBytes
                    || bufOfs < 0
                    || bufOfs >= block.length
                    || bufOfs != bytes % block.length
                    || in.remaining() != 4 * words.length + bufOfs) {
                return null;
            }
            for (int i = 0; i < words.length; i++) {
                words[i] = in.getInt();
            }
            in.get(block, 0, bufOfs);
            UNSAFE.putInt(spi, l.bufOfs(), bufOfs);
            UNSAFE.putLong(spi, l.bytesProcessed(), bytes);
            return digest;
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            return null;
        }
    }

    private static Object spiOf(Layout l, MessageDigest digest) {
        if (!digest.getClass().getName().startsWith("java.security.MessageDigest$Delegate")) {
            return null;
        }
        Object spi = UNSAFE.getObject(digest, l.spi());
        return spi != null && spi.getClass().getName().equals(SPI) ? spi : null;
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether states can be saved on this JDK (for tests and the benchmark). */
    static boolean supported() {
        return LAYOUT != null;
    }
}
