package io.pooldisk.protocol;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SHA-256 as the protocol writes it (64 lowercase hex digits), and of files and ranges of files in large strides:
 * one place for the server's storage, the command parser and the client.
 */
public final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** The hash in its canonical form (upper case accepted and lowered), or null when it is not 64 hex digits. */
    public static String canonical(String hex) {
        String lower = hex == null ? "" : hex.toLowerCase(Locale.ROOT);
        return HEX.matcher(lower).matches() ? lower : null;
    }

    /** Adds {@code length} bytes of {@code file} from {@code offset} to {@code md}. */
    public static void update(MessageDigest md, FileChannel file, long offset, long length) throws IOException {
        FileChunks.forEach(file, offset, length, md::update);
    }

    /** The digest of {@code length} bytes of {@code file} from {@code offset}. */
    public static byte[] ofRange(FileChannel file, long offset, long length) throws IOException {
        MessageDigest md = digest();
        update(md, file, offset, length);
        return md.digest();
    }

    /** The hex hash of {@code length} bytes of the file at {@code path} from {@code offset}. */
    public static String of(Path path, long offset, long length) throws IOException {
        try (FileChannel file = FileChannel.open(path)) {
            return hex(ofRange(file, offset, length));
        }
    }
}
