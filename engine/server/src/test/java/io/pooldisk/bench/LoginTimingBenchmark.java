package io.pooldisk.bench;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.pooldisk.auth.Accounts;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.testing.LineClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Whether LOGIN and PROOF tell a known user name from an unknown one by their time (issue 12). A real server (real
 * worker processes, loopback sockets) gets, on one connection, a LOGIN and a PROOF with a wrong password for a known
 * name and the same for an unknown name, in random order within each pair, pair after pair; both get ERR 401. Each
 * reply is timed from the request's send to the reply's line end. The two kinds share the workers, the JIT's state
 * and whatever else runs on the machine, so their medians compare within one run.
 *
 * <p>The client's own SCRAM work (the salted password, 4096 PBKDF2 rounds) is done between the timed requests, and
 * cached per salt. Names are drawn from eight known and eight unknown ones of the same length.
 *
 * <p>Arguments: [PAIRS (default 5000)] [WORKERS (default 2)] [UNKNOWN_PREFIX (default "nobody-")]: the unknown
 * names are the prefix and a digit (before issue 12, a prefix outside the user-name syntax, such as "nobody!", got
 * a challenge without a database lookup). Run by scripts/bench-login-timing.sh.
 */
public final class LoginTimingBenchmark {

    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;
    private static final int NAMES = 8;
    private static final int WARM_UP_PAIRS = 1000;

    private final Map<String, byte[]> saltedBySalt = new HashMap<>();
    private final Random random = new Random(12);

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String unknownPrefix = args.length > 2 ? args[2] : "nobody-";
        Path dir = Files.createTempDirectory("pooldisk-login-bench");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        List<String> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        try (DiskStore store = DiskStore.open(data)) {
            for (int i = 0; i < NAMES; i++) {
                known.add("member-" + i);
                unknown.add(unknownPrefix + i);
                Accounts.of(store).add(known.get(i), ("password " + i).toCharArray(), 0);
            }
        }
        // Every PROOF here fails: the throttle must count them without ever banning the benchmark's address.
        PoolServer server = PoolServer.start(PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(workers)
                .dataDir(data)
                .loginMaxFailures(1_000_000)
                .build());
        try (LineClient client = new LineClient(server.address())) {
            LoginTimingBenchmark bench = new LoginTimingBenchmark();
            bench.run(client, known, unknown, WARM_UP_PAIRS);
            long[][] t = bench.run(client, known, unknown, pairs);
            System.out.printf("%d pairs, %d workers; median round trip in microseconds (p25-p75)%n", pairs, workers);
            report("LOGIN", t[0], t[1]);
            report("PROOF", t[2], t[3]);
        } finally {
            server.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(String command, long[] known, long[] unknown) {
        double k = percentile(known, 50);
        double u = percentile(unknown, 50);
        System.out.printf(
                "%s  known %.1f (%.1f-%.1f)  unknown %.1f (%.1f-%.1f)  unknown/known %.3f%n",
                command,
                k,
                percentile(known, 25),
                percentile(known, 75),
                u,
                percentile(unknown, 25),
                percentile(unknown, 75),
                u / k);
    }

    /** Times in nanoseconds: LOGIN known, LOGIN unknown, PROOF known, PROOF unknown. */
    private long[][] run(LineClient client, List<String> known, List<String> unknown, int pairs) throws Exception {
        long[][] t = new long[4][pairs];
        for (int i = 0; i < pairs; i++) {
            boolean knownFirst = random.nextBoolean();
            for (int k = 0; k < 2; k++) {
                boolean isKnown = knownFirst == (k == 0);
                String name = (isKnown ? known : unknown).get(random.nextInt(NAMES));
                long[] rt = attempt(client, name);
                t[isKnown ? 0 : 1][i] = rt[0];
                t[isKnown ? 2 : 3][i] = rt[1];
            }
        }
        return t;
    }

    /** One failed login, with a wrong password: the round trips of its LOGIN and its PROOF, in nanoseconds. */
    private long[] attempt(LineClient client, String name) throws Exception {
        String clientNonce = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        String bare = "n=" + name + ",r=" + clientNonce;
        long start = System.nanoTime();
        String challenge = client.request("LOGIN " + base64("n,," + bare));
        long login = System.nanoTime() - start;
        if (!challenge.startsWith("OK CHALLENGE ")) {
            throw new IllegalStateException("LOGIN " + name + ": " + challenge);
        }
        String serverFirst = new String(Base64.getDecoder().decode(challenge.substring(13)), StandardCharsets.UTF_8);
        String[] attrs = serverFirst.split(",");
        String withoutProof = "c=biws," + attrs[0];
        byte[] salted = saltedBySalt.computeIfAbsent(
                attrs[1],
                salt -> ScramFunctions.saltedPassword(
                        SHA_256,
                        StringPreparation.SASL_PREPARATION,
                        "not the password".toCharArray(),
                        Base64.getDecoder().decode(salt.substring(2)),
                        Integer.parseInt(attrs[2].substring(2))));
        byte[] clientKey = ScramFunctions.clientKey(SHA_256, salted);
        byte[] signature = ScramFunctions.clientSignature(
                SHA_256, ScramFunctions.storedKey(SHA_256, clientKey), bare + "," + serverFirst + "," + withoutProof);
        String proofLine = "PROOF "
                + base64(withoutProof + ",p="
                        + Base64.getEncoder().encodeToString(ScramFunctions.clientProof(clientKey, signature)));
        start = System.nanoTime();
        String answer = client.request(proofLine);
        long proof = System.nanoTime() - start;
        if (!answer.equals("ERR 401 authentication failed")) {
            throw new IllegalStateException("PROOF " + name + ": " + answer);
        }
        return new long[] {login, proof};
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The p-th percentile of {@code values} (nanoseconds), in microseconds. */
    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))] / 1000.0;
    }
}
