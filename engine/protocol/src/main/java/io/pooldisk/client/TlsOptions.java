package io.pooldisk.client;

/**
 * How a client speaks TLS to a server (behind a TLS-terminating proxy such as HAProxy; docs/DEPLOYMENT.md). The
 * server's certificate is trusted when the JDK's trust store vouches for it and it names the host connected to; or
 * when its SHA-256 fingerprint is {@code fingerprint}, given by the person (a self-signed certificate); or when it is
 * the one {@code known} remembers for the server (trusted on first use). Otherwise the connection fails with an
 * {@link UntrustedCertificateException} carrying the fingerprint, to show and ask about.
 *
 * @param fingerprint the certificate to trust whatever else, "SHA256:ab:cd:..." ({@link Fingerprints#normalize}), or
 *                    null; when given, only this certificate is accepted
 * @param known       the certificates trusted on first use, or null
 */
public record TlsOptions(String fingerprint, KnownServers known) {

    public TlsOptions {
        if (fingerprint != null) {
            fingerprint = Fingerprints.normalize(fingerprint);
        }
    }

    /** Standard verification only: the JDK's trust store and the host name. */
    public static TlsOptions standard() {
        return new TlsOptions(null, null);
    }
}
