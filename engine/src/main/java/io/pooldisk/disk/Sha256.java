package io.pooldisk.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 as the protocol writes it: 64 lowercase hex digits. */
final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 1 << 20;

    private Sha256() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The hash in canonical form; upper case is accepted. Anything else is refused (it names a blob file). */
    static String parse(String hex) throws DiskException {
        String lower = hex == null ? "" : hex.toLowerCase(Locale.ROOT);
        if (!HEX.matcher(lower).matches()) {
            throw new DiskException(DiskException.BAD_REQUEST, "a SHA-256 is 64 hex digits");
        }
        return lower;
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** Hashes {@code length} bytes of {@code file} from {@code offset}. */
    static byte[] ofRange(FileChannel file, long offset, long length) throws IOException {
        MessageDigest md = digest();
        update(md, file, offset, length);
        return md.digest();
    }

    static void update(MessageDigest md, FileChannel file, long offset, long length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(BUFFER, Math.max(length, 1)));
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = file.read(buf, pos);
            if (n < 0) {
                throw new IOException("file ended at byte " + pos + " of " + end);
            }
            buf.flip();
            md.update(buf);
            pos += n;
        }
    }
}
