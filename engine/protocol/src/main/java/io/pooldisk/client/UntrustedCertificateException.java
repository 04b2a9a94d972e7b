package io.pooldisk.client;

/**
 * The server's TLS certificate is not one this client trusts: neither the JDK's trust store vouches for it (for the
 * host name connected to), nor is it the fingerprint given or the one remembered for the server. The person decides:
 * show {@link #fingerprint()} (and, when it {@link #changed()}, warn loudly, as ssh does), and trust it by its
 * fingerprint if it is the right one.
 */
public final class UntrustedCertificateException extends DiskClientException {

    private final String server;
    private final String fingerprint;
    private final String remembered;
    private final String reason;

    UntrustedCertificateException(String server, String fingerprint, String remembered, String pinned, String reason) {
        super(0, message(server, fingerprint, remembered, pinned, reason));
        this.server = server;
        this.fingerprint = fingerprint;
        this.remembered = remembered;
        this.reason = reason;
    }

    private static String message(String server, String fp, String remembered, String pinned, String reason) {
        if (pinned != null) {
            return "the TLS certificate of " + server + " is " + fp + ", not the " + pinned + " given: not connected";
        }
        if (remembered != null) {
            return "WARNING: the TLS certificate of " + server + " has CHANGED since it was trusted: it is now " + fp
                    + ", it was " + remembered + ". Someone may be listening in (or the certificate was replaced):"
                    + " not connected";
        }
        return "the TLS certificate of " + server + " is not trusted (" + reason + "); its fingerprint is " + fp;
    }

    /** The server, "host:port". */
    public String server() {
        return server;
    }

    /** The certificate's SHA-256 fingerprint, "SHA256:ab:cd:...". */
    public String fingerprint() {
        return fingerprint;
    }

    /** The fingerprint trusted for this server before, when it differs from the one presented now; else null. */
    public String remembered() {
        return remembered;
    }

    /** Whether another certificate was trusted for this server before: the warning case. */
    public boolean changed() {
        return remembered != null;
    }

    /** Why the standard verification failed ("PKIX path building failed...", "No subject alternative names..."). */
    public String reason() {
        return reason;
    }
}
