package io.pooldisk.testing;

import io.pooldisk.auth.Accounts;
import io.pooldisk.pool.PoolConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Configurations for servers started by tests: loopback, a free port, a temporary data directory. */
public final class TestServers {

    private TestServers() {}

    /** A data directory under {@code tmp} with these accounts: name, password, quota (0: unlimited), repeated. */
    public static Path dataWithUsers(Path tmp, Object... namePasswordQuota) throws Exception {
        Path data = tmp.resolve("data");
        java.nio.file.Files.createDirectories(data);
        try (io.pooldisk.disk.DiskStore store = io.pooldisk.disk.DiskStore.open(data)) {
            for (int i = 0; i + 2 < namePasswordQuota.length; i += 3) {
                Accounts.of(store)
                        .add(
                                (String) namePasswordQuota[i],
                                ((String) namePasswordQuota[i + 1]).toCharArray(),
                                ((Number) namePasswordQuota[i + 2]).longValue());
            }
        }
        return data;
    }

    /** Logs in on a raw line connection with SCRAM-SHA-256, as docs/PROTOCOL.md describes. */
    public static void login(LineClient raw, String user, String password) throws Exception {
        login(raw::request, user, password);
    }

    /** A raw line connection to {@code server}, logged in as {@code user}. */
    public static LineClient loggedIn(InetSocketAddress server, String user, String password) throws Exception {
        LineClient c = new LineClient(server);
        try {
            login(c, user, password);
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** A connection that sends one request line and returns the reply line. */
    @FunctionalInterface
    public interface LineRequest {
        String request(String line) throws java.io.IOException;
    }

    /** The SCRAM-SHA-256 exchange of docs/PROTOCOL.md over any line connection. */
    public static void login(LineRequest raw, String user, String password) throws Exception {
        com.ongres.scram.client.ScramClient scram = com.ongres.scram.client.ScramClient.builder()
                .advertisedMechanisms(java.util.List.of("SCRAM-SHA-256"))
                .username(user)
                .password(password.toCharArray())
                .build();
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String challenge = raw.request(
                "LOGIN " + b64.encodeToString(bytes(scram.clientFirstMessage().toString())));
        scram.serverFirstMessage(new String(
                java.util.Base64.getDecoder().decode(challenge.substring(13)),
                java.nio.charset.StandardCharsets.UTF_8));
        String welcome = raw.request(
                "PROOF " + b64.encodeToString(bytes(scram.clientFinalMessage().toString())));
        if (!welcome.startsWith("OK WELCOME ")) {
            throw new AssertionError("login failed: " + welcome);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reproducible test content. */
    public static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] content) {
        return io.pooldisk.protocol.Sha256.hex(
                io.pooldisk.protocol.Sha256.digest().digest(content));
    }

    /**
     * The proof of possession of an instant upload as docs/PROTOCOL.md defines it, written here apart from the
     * server's code: HMAC-SHA256 of {@code content}, keyed by the nonce's 32 bytes.
     */
    public static String possessionProof(String nonceHex, byte[] content) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.HexFormat.of().parseHex(nonceHex), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(content));
    }

    public static PoolConfig.Builder config(Path dataDir, int workers) {
        return PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(workers)
                .dataDir(dataDir)
                .grace(Duration.ofSeconds(5));
    }
}
