package io.pooldisk.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS to the server, through the JDK's {@link SSLSocket} and its streams: the TLS client does not need the server's
 * zero-copy path, and nothing of it touches the plain one. The handshake checks the certificate as {@link TlsOptions}
 * says: the JDK's trust store with the host name (as HTTPS does), or a fingerprint given or remembered.
 */
final class TlsWire implements Wire {

    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int PIECE = 64 * 1024;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] bytes = new byte[PIECE];

    private TlsWire(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code to} and shakes hands as {@code host} (the name the certificate must carry).
     *
     * @throws UntrustedCertificateException when the certificate is not trusted
     * @throws IOException                   when the connection or the handshake fails otherwise
     */
    static TlsWire connect(String host, InetSocketAddress to, String address, TlsOptions options) throws IOException {
        String remembered = options.known() == null ? null : options.known().fingerprint(address);
        Verifier verifier = new Verifier(defaultTrust(), options.fingerprint(), remembered);
        Socket raw = new Socket();
        try {
            raw.connect(to, HANDSHAKE_TIMEOUT_MILLIS);
            raw.setTcpNoDelay(true);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {verifier}, null);
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, host, to.getPort(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            ssl.setSSLParameters(parameters);
            ssl.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            try {
                ssl.startHandshake();
            } catch (SSLException e) {
                if (verifier.rejected != null) {
                    throw new UntrustedCertificateException(
                            address, verifier.rejected, remembered, options.fingerprint(), verifier.reason);
                }
                throw e;
            }
            ssl.setSoTimeout(0);
            return new TlsWire(ssl);
        } catch (GeneralSecurityException e) {
            raw.close();
            throw new IOException("TLS is not available: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static X509ExtendedTrustManager defaultTrust() throws IOException {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null); // the JDK's cacerts (or javax.net.ssl.trustStore)
            for (TrustManager m : f.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IOException("the JDK has no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the JDK's trust store: " + e.getMessage(), e);
        }
    }

    /**
     * The server's certificate: the fingerprint given is the only one accepted; otherwise the JDK's verification (the
     * chain to a trusted CA, the host name), else the fingerprint remembered for this server. What it refuses is kept
     * for the {@link UntrustedCertificateException}.
     */
    private static final class Verifier extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager standard;
        private final String pinned;
        private final String remembered;
        volatile String rejected;
        volatile String reason;

        Verifier(X509ExtendedTrustManager standard, String pinned, String remembered) {
            this.standard = standard;
            this.pinned = pinned;
            this.remembered = remembered;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, () -> standard.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, () -> standard.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, () -> standard.checkServerTrusted(chain, authType));
        }

        private interface Check {
            void run() throws CertificateException;
        }

        private void check(X509Certificate[] chain, Check standardCheck) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String fingerprint = Fingerprints.of(chain[0]);
            if (pinned != null) {
                if (!pinned.equals(fingerprint)) {
                    reject(fingerprint, "not the fingerprint given");
                }
                return;
            }
            try {
                standardCheck.run();
            } catch (CertificateException e) {
                if (!fingerprint.equals(remembered)) {
                    reject(fingerprint, e.getMessage());
                }
            }
        }

        private void reject(String fingerprint, String why) throws CertificateException {
            rejected = fingerprint;
            reason = why;
            throw new CertificateException("certificate " + fingerprint + " not trusted: " + why);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return ((X509TrustManager) standard).getAcceptedIssuers();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = in.read(bytes, 0, Math.min(dst.remaining(), bytes.length));
        if (n > 0) {
            dst.put(bytes, 0, n);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), bytes.length);
            src.get(bytes, 0, n);
            out.write(bytes, 0, n);
        }
        out.flush();
    }

    @Override
    public long send(FileChannel file, long position, long count) throws IOException {
        ByteBuffer piece = ByteBuffer.wrap(bytes, 0, (int) Math.min(count, bytes.length));
        int n = file.read(piece, position);
        if (n <= 0) {
            return 0;
        }
        out.write(bytes, 0, n);
        return n;
    }

    /** A read that gives up after a millisecond: the JDK's TLS socket keeps a record cut short for the next read. */
    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        if (in.available() > 0) {
            return read(dst);
        }
        socket.setSoTimeout(1);
        try {
            return read(dst);
        } catch (SocketTimeoutException nothingYet) {
            return 0;
        } finally {
            socket.setSoTimeout(0);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
