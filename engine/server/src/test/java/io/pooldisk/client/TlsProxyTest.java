package io.pooldisk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.ProxySources;
import io.pooldisk.pool.SessionInfo;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.PoolDiskProcess;
import io.pooldisk.testing.TerminalSession;
import io.pooldisk.testing.TestServers;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS deployment of docs/DEPLOYMENT.md for real: HAProxy terminates TLS with a self-signed certificate made here
 * by openssl, and speaks PROXY v2 to a real pool started with --proxy-from. HAProxy connects to PoolDisk from
 * 127.0.0.3 (its "source"), so that the proxy's address and the client's (127.0.0.1) differ. Skipped only where
 * HAProxy is not installed; CI installs it (.ci/run).
 */
class TlsProxyTest {

    private static final String PROXY_SOURCE = "127.0.0.3";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private PoolServer server;
    private Process haproxy;
    private int tlsPort;
    private String fingerprint;

    @BeforeEach
    void start() throws Exception {
        Optional<Path> haproxyCommand = command("haproxy");
        Assumptions.assumeTrue(
                haproxyCommand.isPresent(),
                "haproxy is not installed (apt-get install haproxy; CI installs it): the TLS deployment test is"
                        + " skipped");
        Path openssl = command("openssl")
                .orElseThrow(() -> new AssertionError("openssl is needed to make a"
                        + " certificate for HAProxy (it is on Debian by default; CI installs it)"));
        Path pem = selfSignedCertificate(openssl);

        Path data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0);
        server = PoolServer.start(TestServers.config(data, 2)
                .proxyFrom(ProxySources.parse(PROXY_SOURCE))
                .build());

        tlsPort = freePort();
        Path cfg = tmp.resolve("haproxy.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "global",
                        "    maxconn 256",
                        "defaults",
                        "    mode tcp",
                        "    timeout connect 5s",
                        "    timeout client 5m",
                        "    timeout server 5m",
                        "frontend pooldisk_tls",
                        "    bind 127.0.0.1:" + tlsPort + " ssl crt " + pem,
                        "    default_backend pooldisk",
                        "backend pooldisk",
                        "    server pool 127.0.0.1:" + server.address().getPort() + " send-proxy-v2 source "
                                + PROXY_SOURCE,
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

    /** cert.pem and key.pem by openssl, and haproxy.pem (both, as HAProxy's crt wants); the fingerprint noted. */
    private Path selfSignedCertificate(Path openssl) throws Exception {
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
                        "-addext",
                        "subjectAltName=DNS:pooldisk.test",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("openssl: %s", output).isZero();
        Path pem = tmp.resolve("haproxy.pem");
        Files.writeString(pem, Files.readString(cert) + Files.readString(key));
        try (InputStream in = Files.newInputStream(cert)) {
            fingerprint = Fingerprints.of(
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        return pem;
    }

    private static Optional<Path> command(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";
        return Stream.of(path.split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private List<String> clients() {
        return server.snapshot().sessions().stream().map(SessionInfo::client).toList();
    }

    @Test
    void loginUploadAndDownloadThroughHaproxyOverTlsWithTheFingerprintTrusted() throws Exception {
        byte[] content = TestServers.randomBytes(3 * 1024 * 1024 + 17, 15);
        Path local = tmp.resolve("up.bin");
        Files.write(local, content);
        try (DiskClient c = DiskClient.connect("127.0.0.1", tlsPort, new TlsOptions(fingerprint, null))) {
            c.login("ann", "correct horse".toCharArray());
            assertThat(c.whoami()).isEqualTo("ann");
            await().atMost(PATIENCE).until(() -> clients().size() == 1);
            // the session's client is the one HAProxy took the connection from, not HAProxy's own address
            assertThat(clients()).singleElement().asString().startsWith("127.0.0.1:");
            assertThat(c.echo("over tls").text()).isEqualTo("OVER TLS");

            RemoteEntry stored = c.upload(local, "/tls/up.bin", (done, total) -> {});
            assertThat(stored.size()).isEqualTo(content.length);
            assertThat(stored.sha256()).isEqualTo(TestServers.sha256(content));
            Path back = c.download("/tls/up.bin", tmp.resolve("down.bin"), (done, total) -> {});
            assertThat(Sha256.of(back, 0, Files.size(back))).isEqualTo(TestServers.sha256(content));
            assertThat(c.closedByServer()).isFalse();
            assertThat(c.echo("still there").text()).isEqualTo("STILL THERE");
        }
    }

    @Test
    void aConnectionFromTheProxysAddressWithoutAHeaderIsRefused() throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(PROXY_SOURCE), 0));
            s.connect(server.address(), 5_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("ECHO no header\n".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(clients()).isEmpty();
    }

    @Test
    void aSelfSignedCertificateIsRefusedWithItsFingerprintThenTrustedOnFirstUseAndAChangeIsFlagged() throws Exception {
        KnownServers known = new KnownServers(tmp.resolve("config").resolve("known_servers"));
        TlsOptions tofu = new TlsOptions(null, known);
        assertThatThrownBy(() -> DiskClient.connect("127.0.0.1", tlsPort, TlsOptions.standard()))
                .isInstanceOfSatisfying(UntrustedCertificateException.class, e -> {
                    assertThat(e.fingerprint()).isEqualTo(fingerprint);
                    assertThat(e.changed()).isFalse();
                    assertThat(e.getMessage()).contains(fingerprint);
                });
        UntrustedCertificateException first = org.junit.jupiter.api.Assertions.assertThrows(
                UntrustedCertificateException.class, () -> DiskClient.connect("127.0.0.1", tlsPort, tofu));
        known.remember(first.server(), first.fingerprint());
        assertThat(Files.getPosixFilePermissions(known.file()))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        try (DiskClient c = DiskClient.connect("127.0.0.1", tlsPort, tofu)) {
            assertThat(c.echo("known").text()).isEqualTo("KNOWN");
        }

        String other = "SHA256:" + "00:".repeat(31) + "01";
        known.remember(first.server(), other);
        assertThatThrownBy(() -> DiskClient.connect("127.0.0.1", tlsPort, tofu))
                .isInstanceOfSatisfying(UntrustedCertificateException.class, e -> {
                    assertThat(e.changed()).isTrue();
                    assertThat(e.remembered()).isEqualTo(other);
                    assertThat(e.getMessage()).contains("CHANGED");
                });
        assertThatThrownBy(() -> DiskClient.connect("127.0.0.1", tlsPort, new TlsOptions(other, null)))
                .isInstanceOf(UntrustedCertificateException.class)
                .hasMessageContaining("not the " + other + " given");
    }

    @Test
    void theCommandLineClientSpeaksTlsWithAFingerprintAndNamesTheFingerprintWithoutOne() throws Exception {
        try (PoolDiskProcess p = PoolDiskProcess.start(
                tmp.resolve("cli"),
                "client",
                "--port",
                Integer.toString(tlsPort),
                "--tls-fingerprint",
                fingerprint.toUpperCase(java.util.Locale.ROOT),
                "echo",
                "from the shell")) {
            assertThat(p.waitFor(PATIENCE)).as(p.stderr()).isZero();
            assertThat(p.stdout()).contains("FROM THE SHELL");
        }
        try (PoolDiskProcess p = PoolDiskProcess.start(
                tmp.resolve("cli"), "client", "--port", Integer.toString(tlsPort), "--tls", "echo", "x")) {
            assertThat(p.waitFor(PATIENCE)).isEqualTo(1);
            assertThat(p.stderr()).contains("not trusted").contains("--tls-fingerprint " + fingerprint);
        }
    }

    @Test
    void onATerminalTheShellShowsTheFingerprintAsksRemembersAndRefusesAChange() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path config = tmp.resolve("xdg-config");
        String command = TerminalSession.pooldisk(home, "client", "--port", Integer.toString(tlsPort), "--tls");
        try (TerminalSession t =
                TerminalSession.start(tmp, tmp.resolve("screen.txt"), command, "XDG_CONFIG_HOME", config.toString())) {
            t.expect(java.util.regex.Pattern.quote(fingerprint), PATIENCE);
            t.expect("Trust it and remember it in .*known_servers\\? \\[y/N\\] ", PATIENCE);
            t.type("y");
            t.expect("pooldisk:/> ", PATIENCE);
            t.type("echo trusted");
            t.expect("TRUSTED", PATIENCE);
            t.type("quit");
            assertThat(t.waitFor(PATIENCE)).isZero();
        }
        KnownServers known = new KnownServers(config.resolve("pooldisk").resolve("known_servers"));
        assertThat(known.fingerprint("127.0.0.1:" + tlsPort)).isEqualTo(fingerprint);

        known.remember("127.0.0.1:" + tlsPort, "SHA256:" + "00:".repeat(31) + "01");
        try (TerminalSession t =
                TerminalSession.start(tmp, tmp.resolve("screen2.txt"), command, "XDG_CONFIG_HOME", config.toString())) {
            t.expect("CHANGED", PATIENCE);
            t.expect("remove the line for 127.0.0.1:" + tlsPort, PATIENCE);
            assertThat(t.waitFor(PATIENCE)).isEqualTo(1);
        }
    }

    @Test
    void aPlainClientAtTheTlsPortGetsAClearFailureNotAHang() {
        assertThatThrownBy(() -> {
                    try (DiskClient c = DiskClient.connect("127.0.0.1", tlsPort)) {
                        c.echo("plain");
                    }
                })
                .isInstanceOf(ConnectionException.class);
    }
}
