package io.pooldisk.protocol;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof of possession of an instant upload (docs/PROTOCOL.md, Upload): HMAC-SHA256 of the whole content, keyed
 * by a fresh random nonce that the server chose for this one attempt. Computing it takes every byte of the content
 * after the nonce is known, so neither the content's SHA-256 nor any part of the content short of the whole, nor an
 * earlier answer, helps. The server computes the same over its stored copy. One place for the server and the client.
 */
public final class PossessionProof {

    /** 256 bits of nonce, sent as 64 lowercase hex digits. */
    public static final int NONCE_BYTES = 32;

    private static final Pattern NONCE_HEX = Pattern.compile("[0-9a-f]{" + NONCE_BYTES * 2 + "}");
    private static final String HMAC = "HmacSHA256";

    private PossessionProof() {}

    public static String newNonce(SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return HexFormat.of().formatHex(nonce);
    }

    /**
     * The proof over {@code size} bytes of {@code file} from its start, as hex, telling {@code progress} the bytes
     * read so far after each stride.
     */
    public static String of(String nonceHex, FileChannel file, long size, LongConsumer progress) throws IOException {
        Mac mac = mac(nonceHex);
        long[] done = {0};
        FileChunks.forEach(file, 0, size, buf -> {
            done[0] += buf.remaining();
            mac.update(buf);
            progress.accept(done[0]);
        });
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Whether {@code text} is a nonce as the server sends it: 64 lowercase hex digits. */
    public static boolean isNonce(String text) {
        return text != null && NONCE_HEX.matcher(text).matches();
    }

    private static Mac mac(String nonceHex) {
        if (!isNonce(nonceHex)) {
            throw new IllegalArgumentException("a nonce is " + NONCE_BYTES * 2 + " lowercase hex digits");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(HexFormat.of().parseHex(nonceHex), HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
