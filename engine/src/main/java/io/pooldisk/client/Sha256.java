package io.pooldisk.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and ranges of files, in large strides. */
final class Sha256 {

    private static final int CHUNK = 1024 * 1024;

    private Sha256() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    /** Adds bytes {@code offset .. offset+length-1} of {@code file} to {@code md}. */
    static void update(MessageDigest md, Path file, long offset, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                buf.clear().limit((int) Math.min(CHUNK, end - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException(file + " is shorter than expected");
                }
                pos += n;
                md.update(buf.flip());
            }
        }
    }

    static String of(Path file, long offset, long length) throws IOException {
        MessageDigest md = digest();
        update(md, file, offset, length);
        return hex(md.digest());
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
