package io.pooldisk.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerState;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.Procfs;
import io.pooldisk.testing.TestServers;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No input kills a worker (issue 12). A real server with three workers gets thousands of random and hostile lines on
 * many connections, before and after logging in: random bytes, NUL and control characters, invalid UTF-8, huge
 * tokens, every command with the wrong number of arguments, unbalanced quotes, long paths, bad base64, and SCRAM
 * messages of every wrong shape, among them the two that used to kill a worker (a user name that SASLprep maps to
 * nothing; a 6,100-byte nonce followed by a long unknown command while the session is handed back). At the end every
 * worker is the one that was there at the start, and the server still answers ECHO and a login.
 *
 * <p>Seeded: a failure names its seed; {@code -Dpooldisk.fuzz.seed=N} runs that sequence again.
 */
class HostileInputFuzzTest {

    private static final int LINES = 5000;
    private static final long BUDGET_NANOS = 20_000_000_000L;
    private static final String WORKER_DIED = "the worker serving this session died";
    private static final String INTERNAL_ERROR = "internal error";
    private static final String[] COMMANDS = {
        "ECHO", "HELP", "QUIT", "LOGIN", "PROOF", "WHOAMI", "PWD", "CD", "LIST", "STAT", "MKDIR", "RM", "RMTREE", "MV",
        "PUT", "HASH", "GET"
    };
    private static final String SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    static Path tmp;

    private static PoolServer server;
    private final List<String> seen = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "alice", "pw", 1 << 20);
        // every failed PROOF counts against 127.0.0.1: no ban may stop the final login
        server = PoolServer.start(
                TestServers.config(data, 3).loginMaxFailures(1_000_000).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Set<Integer> workerPids() {
        return server.snapshot().workers().stream()
                .filter(w -> w.state() != WorkerState.DEAD)
                .map(WorkerInfo::pid)
                .collect(Collectors.toSet());
    }

    @Test
    void theTwoLinesThatKilledWorkersAreAnsweredAndEveryWorkerLives() throws Exception {
        Set<Integer> before = workerPids();
        try (LineClient client = new LineClient(server.address())) {
            assertThat(client.request("LOGIN " + base64("n,,n=\u00ad,r=abc")))
                    .isEqualTo("ERR 400 the user name is empty after SASLprep");
            client.sendRaw(("LOGIN "
                            + Base64.getEncoder()
                                    .encodeToString(concat(
                                            "n,,n=alice,r=".getBytes(StandardCharsets.US_ASCII),
                                            repeat((byte) 0xff, 6100)))
                            + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(client.readLine()).isEqualTo("ERR 400 a SCRAM message is UTF-8");
            assertThat(client.request("LOGIN " + base64("n,,n=alice,r=" + "\u00e9".repeat(3000))))
                    .startsWith("ERR 400 a SCRAM client-first-message has 1 to 1024 characters");
            assertThat(client.request("LOGIN " + base64("n,,n=alice,r=" + "x".repeat(300))))
                    .startsWith("ERR 400 a SCRAM client nonce is 1 to 256 printable ASCII characters");
            // the long unknown command, then a partial line while the worker hands the session back
            client.sendRaw(("X".repeat(8190) + "\n" + "Y".repeat(8000)).getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readLine()).startsWith("ERR 400 unknown command 'XXXX");
            Thread.sleep(200); // longer than the linger: the session goes back to the master with its partial line
            client.send("");
            assertThat(client.readLine()).startsWith("ERR 400 unknown command 'YYYY");
            assertThat(client.request("ECHO still here")).endsWith(": STILL HERE");
        }
        assertThat(workerPids()).isEqualTo(before);
    }

    @Test
    void thousandsOfHostileLinesLeaveEveryWorkerAlive() throws Exception {
        long seed = Long.getLong("pooldisk.fuzz.seed", System.nanoTime());
        try {
            fuzz(new Random(seed));
        } catch (Throwable t) {
            throw new AssertionError(
                    "fuzzing with seed " + seed + " failed (run again with -Dpooldisk.fuzz.seed=" + seed
                            + "); last replies: " + seen.subList(Math.max(0, seen.size() - 5), seen.size()),
                    t);
        }
    }

    private void fuzz(Random random) throws Exception {
        Set<Integer> before = workerPids();
        assertThat(before).hasSize(3);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        Lines lines = new Lines(random);
        int sent = 0;
        int sentinel = 0;
        Conn conn = null;
        while (sent < LINES && System.nanoTime() < deadline) {
            if (conn == null || conn.closed || random.nextInt(40) == 0) {
                if (conn != null) {
                    conn.close();
                }
                conn = new Conn(server.address());
                if (random.nextBoolean()) {
                    TestServers.login(conn::request, "alice", "pw");
                }
            }
            int batch = 1 + random.nextInt(8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < batch; i++) {
                out.writeBytes(lines.next());
                out.write('\n');
            }
            sent += batch;
            conn.send(out.toByteArray());
            if (random.nextInt(50) == 0) {
                parkedWithEverythingLong(conn, random);
            }
            conn.sync(++sentinel, seen);
        }
        if (conn != null) {
            conn.close();
        }
        System.out.printf(
                "fuzz: %d lines in %d ms, %d replies, %d connections dropped without an answer%n",
                sent,
                (System.nanoTime() - deadline + BUDGET_NANOS) / 1_000_000,
                seen.size(),
                seen.stream().filter(line -> line.startsWith("(no answer")).count());
        assertThat(sent).as("lines sent in the time budget").isGreaterThan(1000);
        assertThat(seen).noneMatch(line -> line.contains(WORKER_DIED)).noneMatch(line -> line.contains(INTERNAL_ERROR));
        assertThat(workerPids()).isEqualTo(before);
        assertThat(before).allMatch(Procfs::alive);
        try (LineClient client = new LineClient(server.address())) {
            assertThat(before).contains(LineClient.pidOf(client.request("ECHO done")));
            TestServers.login(client, "alice", "pw");
            assertThat(client.request("WHOAMI")).isEqualTo("OK alice");
        }
    }

    /**
     * A session handed back with its state as full as a client can make it: a long working directory (logged in), a
     * pending proof of possession for a long path, the longest LOGIN exchange, a long unknown command, a partial
     * line.
     */
    private void parkedWithEverythingLong(Conn conn, Random random) throws IOException, InterruptedException {
        String name = "d".repeat(250);
        StringBuilder deep = new StringBuilder();
        while (deep.length() + name.length() + 1 < 4000) {
            deep.append('/').append(name);
            conn.send(("MKDIR " + deep + "\n").getBytes(StandardCharsets.UTF_8));
        }
        conn.send(("CD " + deep + "\nPUT 3 " + ABC + " /abc\nabc").getBytes(StandardCharsets.UTF_8));
        // content the server has: a PUT of it is answered with PROVE, and the upload waits in the session
        conn.send(("\nPUT 3 " + ABC + " " + deep + "/" + "e".repeat(80) + "\n").getBytes(StandardCharsets.UTF_8));
        conn.send(
                ("LOGIN " + base64("n,,n=" + "a".repeat(64) + ",r=" + "n".repeat(256) + ",e=" + "x".repeat(600)) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        conn.send(("Z".repeat(8100) + "\n" + "W".repeat(random.nextInt(8000))).getBytes(StandardCharsets.UTF_8));
        Thread.sleep(80); // past the linger: the worker hands the session back
        conn.send(new byte[] {'\n'});
    }

    /** A raw connection that sends bytes and reads lines, kept in step with the server by ECHO sentinels. */
    private static final class Conn implements AutoCloseable {
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final BufferedReader in;
        boolean closed;

        Conn(InetSocketAddress address) throws IOException {
            socket.setTcpNoDelay(true);
            socket.connect(address, 5000);
            socket.setSoTimeout(5000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        }

        void send(byte[] bytes) throws IOException {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                closed = true; // the server closed it (a line too long, QUIT): a new connection goes on
            }
        }

        String request(String line) throws IOException {
            send((line + "\n").getBytes(StandardCharsets.UTF_8));
            return in.readLine();
        }

        /**
         * Reads replies until the answer to ECHO sentinel {@code n}. An upload that began reads the sentinel as its
         * bytes: it gets bytes enough and a new sentinel. A connection that the server closes, or that waits too
         * long (an upload of more), is closed.
         */
        void sync(int n, List<String> seen) throws IOException {
            String expected = "FUZZ-" + n;
            send(("ECHO fuzz-" + n + "\n").getBytes(StandardCharsets.US_ASCII));
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    seen.add(line.length() > 200 ? line.substring(0, 200) + "..." : line);
                    if (seen.size() > 50_000) {
                        seen.subList(0, 25_000).clear();
                    }
                    if (line.contains(WORKER_DIED) || line.contains(INTERNAL_ERROR)) {
                        throw new AssertionError("the server answered: " + line);
                    }
                    if (line.endsWith(expected)) {
                        return;
                    }
                    if (line.startsWith("OK SEND ")) {
                        send(new byte[64]);
                        send(("\nECHO fuzz-" + n + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (SocketTimeoutException e) {
                seen.add("(no answer to the sentinel: connection dropped)");
            }
            close();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            socket.close();
        }
    }

    /** The generator of hostile lines (without their line end). */
    private static final class Lines {
        private final Random random;

        Lines(Random random) {
            this.random = random;
        }

        byte[] next() {
            return switch (random.nextInt(10)) {
                case 0 -> randomBytes(random.nextInt(10) == 0 ? 9000 : 200);
                case 1 -> utf8(pick(COMMANDS) + " " + randomBytesAsText());
                case 2 -> wrongArity();
                case 3, 4 -> utf8("LOGIN " + loginArgument());
                case 5 ->
                    utf8((random.nextBoolean()
                                    ? "LOGIN " + base64("n,,n=" + pick("alice", "bob") + ",r=abc") + "\n"
                                    : "")
                            + "PROOF " + proofArgument()); // a PROOF in its turn, or out of it
                case 6 ->
                    utf8(pick("CD", "LIST", "STAT", "MKDIR", "RM", "RMTREE", "MV", "GET 0", "PUT 3 " + SHA) + " "
                            + path());
                case 7 -> concat(utf8(pick(COMMANDS) + " "), invalidUtf8());
                case 8 -> utf8(casing(pick(COMMANDS)) + pick("", " ", "  ", "\t", "\r", "\u0000") + token());
                default -> utf8(token() + " " + token());
            };
        }

        private byte[] wrongArity() {
            return utf8(pick(
                    "ECHO",
                    "HELP x y",
                    "WHOAMI x",
                    "PWD x y",
                    "CD",
                    "CD a b c",
                    "LIST a b",
                    "STAT",
                    "MKDIR",
                    "RM",
                    "RMTREE",
                    "MV",
                    "MV a",
                    "MV a b c",
                    "MV \"a b\" c d",
                    "PUT",
                    "PUT 1",
                    "PUT 1 x",
                    "PUT -1 " + SHA + " /x",
                    "PUT 99999999999999999999 " + SHA + " /x",
                    "PUT 1e3 " + SHA + " /x",
                    "PUT 0x10 " + SHA + " /x",
                    "PUT 5 " + SHA.toUpperCase() + " /x",
                    "PUT 5 " + SHA + "0 /x",
                    "HASH",
                    "HASH zz",
                    "HASH " + SHA + " x",
                    "GET",
                    "GET 1",
                    "GET -5 /x",
                    "GET 9223372036854775807 /x",
                    "GET 99999999999999999999 /x",
                    "GET x /y",
                    "LOGIN",
                    "LOGIN a b",
                    "PROOF",
                    "PROOF a b",
                    "QUIT x"));
        }

        private String loginArgument() {
            String message = base64(clientFirst());
            return switch (random.nextInt(6)) {
                case 0 -> pick("", "!!!", "abc", "====", "YQ", "YQ=", "*", " ", "\u0000", "%%%");
                case 1 -> Base64.getEncoder().encodeToString(randomBytes(random.nextInt(100)));
                case 2 -> message.substring(0, random.nextInt(message.length() + 1));
                default -> message;
            };
        }

        /** A client-first-message: sometimes well formed, mostly not. */
        private String clientFirst() {
            String gs2 = pick("n,,", "y,,", "p=tls-unique,,", "n,a=bob,", "n,", "x,,", "", "n,,,", "n,,m=ext,");
            String name = pick(
                    "alice",
                    "mallory",
                    "\u00ad",
                    "\u00ad\u00ad",
                    "",
                    "=",
                    "a=2Cb",
                    "a=3D",
                    "=ZZ",
                    "a\u0000b",
                    "\u0007",
                    "\u05d0a",
                    "\uff41lice",
                    "a".repeat(65),
                    "a".repeat(400),
                    "\ufffd",
                    "\u200b",
                    "alice\u00ad",
                    "\u2028",
                    "a b",
                    "..",
                    "-x",
                    "\ud83d\ude00",
                    "A\u0301");
            String nonce = pick(
                    "abc",
                    "",
                    "a,b",
                    "\u0001",
                    "\u00ff",
                    "x".repeat(256),
                    "x".repeat(257),
                    "\ufffd".repeat(300),
                    "r".repeat(900),
                    "~!@#$%^&*()");
            String tail = pick("", "", ",e=x", ",m=y", "," + "e=".repeat(random.nextInt(500)), ",", ",,");
            return gs2 + pick("n=", "n=", "N=", "") + name + pick(",r=", ",r=", ",", ",s=") + nonce + tail;
        }

        private String proofArgument() {
            String nonce = pick("abc", "", "x".repeat(300));
            String message = pick(
                    "c=biws,r=" + nonce + ",p=" + base64("x"),
                    "c=biws,r=" + nonce + ",p=***",
                    "c=,r=,p=",
                    "garbage",
                    "",
                    "c=biws,r=" + nonce,
                    "c=eSws,r=" + nonce + ",p=AAAA",
                    "c=biws,r=" + nonce + ",p=" + "A".repeat(4000),
                    "p=AAAA,r=x,c=biws",
                    ",,,");
            return random.nextBoolean() ? base64(message) : pick("", "!!", "AAAA", message);
        }

        private String path() {
            return switch (random.nextInt(8)) {
                case 0 -> "\"" + token(); // unbalanced
                case 1 -> "\"a b\" \"c";
                case 2 -> "/" + "a/".repeat(random.nextInt(3000));
                case 3 -> "x".repeat(random.nextInt(600));
                case 4 ->
                    pick(
                            "..",
                            "/..",
                            "../../etc/passwd",
                            "//",
                            "/./.",
                            "\\",
                            "\"\\\"",
                            "\"\\q\"",
                            "'a'",
                            "e\u0301",
                            "\u00e9",
                            "\u202etxt.exe",
                            "a\u0000b",
                            "/\u0007",
                            "~",
                            "*",
                            "/dev/null");
                case 5 -> ("/" + "\u4e2d".repeat(90)).repeat(1 + random.nextInt(20));
                case 6 -> "\"" + "\\".repeat(random.nextInt(10)) + "\"";
                default -> token();
            };
        }

        private String token() {
            return switch (random.nextInt(5)) {
                case 0 -> "x".repeat(random.nextInt(random.nextInt(10) == 0 ? 8500 : 100));
                case 1 ->
                    pick(
                            "",
                            " ",
                            "\"",
                            "'",
                            "\\",
                            "\t",
                            "\r",
                            "\u0000",
                            "\u001b[2J",
                            "\u007f",
                            "%s%n",
                            "\ud800",
                            "\ud83d\ude00",
                            "\ufeff",
                            "-1",
                            "9".repeat(30),
                            "NaN");
                case 2 -> randomBytesAsText();
                default -> Integer.toString(random.nextInt());
            };
        }

        private String casing(String word) {
            StringBuilder s = new StringBuilder();
            for (char c : word.toCharArray()) {
                s.append(random.nextBoolean() ? Character.toLowerCase(c) : c);
            }
            return s.toString();
        }

        private byte[] invalidUtf8() {
            return pick(
                    new byte[] {(byte) 0xff},
                    new byte[] {(byte) 0xc0, (byte) 0x80},
                    new byte[] {(byte) 0x80},
                    new byte[] {(byte) 0xe4, (byte) 0xb8},
                    new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                    new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                    randomBytes(20));
        }

        private String randomBytesAsText() {
            return new String(randomBytes(random.nextInt(60)), StandardCharsets.ISO_8859_1);
        }

        private byte[] randomBytes(int max) {
            byte[] b = new byte[random.nextInt(max + 1)];
            random.nextBytes(b);
            return b;
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(utf8(s));
    }

    private static byte[] repeat(byte b, int n) {
        byte[] bytes = new byte[n];
        java.util.Arrays.fill(bytes, b);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
