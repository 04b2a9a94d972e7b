package io.pooldisk.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate's SHA-256 fingerprint, written "SHA256:ab:cd:...": 32 bytes in lower-case hex pairs, as {@code openssl
 * x509 -noout -fingerprint -sha256} prints them (which writes upper case, after "sha256 Fingerprint=").
 */
public final class Fingerprints {

    private static final String PREFIX = "SHA256:";

    private Fingerprints() {}

    /** The SHA-256 of the certificate's DER encoding. */
    public static String of(X509Certificate certificate) {
        try {
            byte[] der = certificate.getEncoded();
            return PREFIX
                    + HexFormat.ofDelimiter(":")
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot take a certificate's fingerprint: " + e.getMessage(), e);
        }
    }

    /**
     * A fingerprint as written by a person or a tool ("SHA256:AB:CD...", "sha256 Fingerprint=AB:CD...", 64 hex digits
     * with or without colons) in the form {@link #of} gives.
     *
     * @throws IllegalArgumentException when it is not 32 bytes of hex
     */
    public static String normalize(String text) {
        String t = text.strip();
        int eq = t.indexOf('=');
        if (eq >= 0) {
            t = t.substring(eq + 1);
        }
        if (t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            t = t.substring(PREFIX.length());
        }
        String hex = t.replace(":", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "not a SHA-256 fingerprint (SHA256: and 32 bytes in hex, such as openssl x509 -fingerprint"
                            + " -sha256 prints): " + text);
        }
        return PREFIX + HexFormat.ofDelimiter(":").formatHex(HexFormat.of().parseHex(hex));
    }
}
