package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.client.EchoReply;
import io.pooldisk.client.Fingerprints;
import io.pooldisk.client.KnownServers;
import io.pooldisk.client.UntrustedCertificateException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GUI client's TLS switch without a UI thread: a real HAProxy terminating TLS with a self-signed certificate in
 * front of a real server; the session asks about the certificate (its fingerprint), remembers it once trusted, and
 * refuses a changed one without asking. Skipped only where HAProxy is not installed (CI installs it).
 */
class TlsSessionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private TestServer server;
    private Process haproxy;
    private int tlsPort;
    private String fingerprint;
    private final Notifier notifier = new Notifier();
    private ClientSession session;

    @BeforeEach
    void start() throws Exception {
        Optional<Path> haproxyCommand = command("haproxy");
        Assumptions.assumeTrue(
                haproxyCommand.isPresent(),
                "haproxy is not installed (apt-get install haproxy; CI installs it): the GUI's TLS test is skipped");
        Path openssl = command("openssl").orElseThrow(() -> new AssertionError("openssl is needed for a certificate"));
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        Process p = new ProcessBuilder(
                        openssl.toString(),
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=pooldisk test",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("openssl: %s", said).isZero();
        Path pem = tmp.resolve("haproxy.pem");
        Files.writeString(pem, Files.readString(cert) + Files.readString(key));
        try (InputStream in = Files.newInputStream(cert)) {
            fingerprint = Fingerprints.of(
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }

        server = new TestServer(tmp);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            tlsPort = s.getLocalPort();
        }
        Path cfg = tmp.resolve("haproxy.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "defaults",
                        "    mode tcp",
                        "    timeout connect 5s",
                        "    timeout client 5m",
                        "    timeout server 5m",
                        "frontend tls",
                        "    bind 127.0.0.1:" + tlsPort + " ssl crt " + pem,
                        "    default_backend pool",
                        "backend pool",
                        "    server pool 127.0.0.1:" + server.port(),
                        ""));
        haproxy = new ProcessBuilder(haproxyCommand.get().toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("haproxy.log").toFile())
                .start();
        await().atMost(PATIENCE).until(() -> {
            if (!haproxy.isAlive()) {
                throw new AssertionError("haproxy exited: " + Files.readString(tmp.resolve("haproxy.log")));
            }
            try (Socket s = new Socket("127.0.0.1", tlsPort)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (session != null) {
            session.close();
        }
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private static Optional<Path> command(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";
        return Stream.of(path.split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private ClientSession session(KnownServers known, ClientSession.CertificateQuestion question) {
        if (session != null) {
            session.close();
        }
        session = new ClientSession(Runnable::run, notifier, null);
        session.setKnownServers(known);
        session.setCertificateQuestion(question);
        return session;
    }

    @Test
    void anUnknownCertificateIsShownByItsFingerprintTrustedRememberedAndAChangeRefusedWithoutAsking() throws Exception {
        KnownServers known = new KnownServers(tmp.resolve("config").resolve("known_servers"));
        AtomicReference<UntrustedCertificateException> asked = new AtomicReference<>();
        session(known, c -> {
            asked.set(c);
            return true;
        });
        session.connect("127.0.0.1", tlsPort, TestServer.USER, TestServer.PASSWORD.toCharArray(), true);
        await().atMost(PATIENCE).until(() -> session.state() == ClientSession.State.CONNECTED);
        assertThat(asked.get().fingerprint()).isEqualTo(fingerprint);
        assertThat(session.statusProperty().get()).contains("over TLS").contains("as " + TestServer.USER);
        assertThat(known.fingerprint("127.0.0.1:" + tlsPort)).isEqualTo(fingerprint);
        AtomicReference<EchoReply> echo = new AtomicReference<>();
        session.run(c -> c.echo("through tls"), true, echo::set, e -> {});
        await().atMost(PATIENCE).until(() -> echo.get() != null);
        assertThat(echo.get().text()).isEqualTo("THROUGH TLS");

        asked.set(null); // trusted now: not asked again
        session(known, c -> {
            asked.set(c);
            return true;
        });
        session.connect("127.0.0.1", tlsPort, "", new char[0], true);
        await().atMost(PATIENCE).until(() -> session.state() == ClientSession.State.CONNECTED);
        assertThat(asked.get()).isNull();

        known.remember("127.0.0.1:" + tlsPort, "SHA256:" + "00:".repeat(31) + "01");
        session(known, c -> {
            asked.set(c);
            return true;
        });
        session.connect("127.0.0.1", tlsPort, "", new char[0], true);
        await().atMost(PATIENCE).until(() -> notifier.current() != null);
        assertThat(session.state()).isEqualTo(ClientSession.State.DISCONNECTED);
        assertThat(session.statusProperty().get()).contains("CHANGED").contains(fingerprint);
        assertThat(asked.get()).isNull();
    }

    @Test
    void aCertificateNotTrustedLeavesTheSessionDisconnectedAndSaysSo() throws Exception {
        KnownServers known = new KnownServers(tmp.resolve("config").resolve("known_servers"));
        session(known, c -> false);
        session.connect("127.0.0.1", tlsPort, TestServer.USER, TestServer.PASSWORD.toCharArray(), true);
        await().atMost(PATIENCE).until(() -> notifier.current() != null);
        assertThat(session.state()).isEqualTo(ClientSession.State.DISCONNECTED);
        assertThat(session.statusProperty().get()).contains("not trusted").contains(fingerprint);
        assertThat(Files.exists(known.file())).isFalse();
    }
}
