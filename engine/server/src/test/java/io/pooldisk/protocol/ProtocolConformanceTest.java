package io.pooldisk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ongres.scram.client.ScramClient;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerLauncher;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PROTOCOL.md, sentence by sentence, against a real server over real sockets: each test quotes the part of the
 * document it holds the server to. A client written from the document alone must find the server as described.
 */
class ProtocolConformanceTest {

    private static final Path DOCUMENT = Path.of("..", "..", "docs", "PROTOCOL.md");
    private static final String PASSWORD = "pw";
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
    private static final Random RANDOM = new Random();

    @TempDir
    static Path tmp;

    /** The server most tests share: its workers run in a Turkish locale, which must change nothing. */
    private static PoolServer server;

    @BeforeAll
    static void start() throws Exception {
        Path data = TestServers.dataWithUsers(tmp.resolve("shared"), "ann", PASSWORD, 0, "bob", PASSWORD, 100_000);
        List<String> turkish = new ArrayList<>(WorkerLauncher.currentJvm().command());
        turkish.addAll(1, List.of("-Duser.language=tr", "-Duser.country=TR"));
        server = PoolServer.start(TestServers.config(data, 2)
                .requestTimeout(Duration.ofSeconds(4)) // well beyond the 2 s a PUT waits for another session's upload
                .linger(Duration.ofMillis(500)) // a worker keeps an upload whose client sends every 20 ms
                .loginMaxFailures(100)
                .launcher(new WorkerLauncher(turkish))
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ------------------------------------------------------------------------------------------------ framing

    /**
     * "Every request gets exactly one reply line, with three exceptions": LIST's count and entry lines, PUT's second
     * reply after OK SEND, GET's raw bytes right before the next reply line; an ERR is always one line.
     */
    @Test
    void listPutAndGetAreTheOnlyRepliesOfMoreThanOneLine() throws Exception {
        try (LineClient c = loggedIn("ann")) {
            assertThat(c.request("MKDIR /framing")).startsWith("OK D ");
            assertThat(c.request("MKDIR /framing/empty")).startsWith("OK D ");
            byte[] text = ascii(37);
            String sha = sha256(text);
            assertThat(c.request("PUT " + text.length + " " + sha + " /framing/a.txt"))
                    .isEqualTo("OK SEND 0");
            c.sendRaw(text);
            assertThat(c.readLine()).matches("OK STORED F 37 " + TIME + " " + sha + " /framing/a\\.txt");

            c.sendRaw(lines(
                    "LIST /framing",
                    "LIST /framing/empty",
                    "ECHO after the lists",
                    "GET 0 /framing/a.txt",
                    "ECHO after the bytes",
                    "PUT 5 not-a-hash /framing/b",
                    "LIST /framing/nothing",
                    "ECHO end"));
            assertThat(c.readLine()).isEqualTo("OK 2 entries");
            assertThat(List.of(c.readLine(), c.readLine()))
                    .anyMatch(l -> l.matches("F 37 " + TIME + " " + sha + " a\\.txt"))
                    .anyMatch(l -> l.matches("D 0 " + TIME + " - empty"));
            assertThat(c.readLine()).isEqualTo("OK 0 entries");
            assertThat(c.readLine()).endsWith("]: AFTER THE LISTS");
            assertThat(c.readLine()).isEqualTo("OK DATA 37 37 " + sha);
            assertThat(readChars(c, 37)).isEqualTo(new String(text, StandardCharsets.US_ASCII));
            assertThat(c.readLine())
                    .as("the next reply starts right after the last byte")
                    .endsWith("]: AFTER THE BYTES");
            assertThat(c.readLine()).startsWith("ERR 400 ");
            assertThat(c.readLine()).startsWith("ERR 404 ");
            assertThat(c.readLine()).endsWith("]: END");
        }
    }

    /** "A request line may be at most 8192 bytes as sent, without its line ending; a longer one ... ERR 413". */
    @Test
    void aRequestLineMayBe8192BytesAsSentAndALongerOneEndsTheSession() throws Exception {
        try (LineClient c = new LineClient(server.address())) {
            String longest = "ECHO " + "é".repeat(4093) + "x"; // 5 + 8186 + 1 bytes, 4099 characters
            assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(8192);
            c.sendRaw((longest + "\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(c.readLine()).endsWith("]: " + "É".repeat(4093) + "X");
            c.sendRaw((longest + "x\n").getBytes(StandardCharsets.UTF_8));
            assertThat(c.readLine()).isEqualTo("ERR 413 request line longer than 8192 bytes");
            assertThat(c.readLine()).isNull();
        }
    }

    /**
     * "Some lines are the server's last words: it writes them right before it closes the connection, whether or not
     * a request is waiting": 503 on connect, 408 for an idle session and for a slow request line. (None of these
     * reaches a worker, so a request time-out of 1 s cannot end a cold worker's first command here.)
     */
    @Test
    void lastWordsComeRightBeforeTheServerCloses() throws Exception {
        Path data = TestServers.dataWithUsers(tmp.resolve("limits"), "ann", PASSWORD, 0);
        try (PoolServer limits = PoolServer.start(TestServers.config(data, 1)
                .maxSessions(1)
                .idleTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(1))
                .build())) {
            try (LineClient first = new LineClient(limits.address())) {
                try (LineClient second = new LineClient(limits.address())) {
                    assertThat(second.readLine())
                            .as("before it sent anything")
                            .isEqualTo("ERR 503 too many connections (1)");
                    assertThat(second.readLine()).isNull();
                }
                assertThat(first.readLine()).isEqualTo("ERR 408 idle for too long; closing");
                assertThat(first.readLine()).isNull();
            }
            try (LineClient slow = new LineClient(limits.address())) {
                slow.sendRaw("ECH".getBytes(StandardCharsets.US_ASCII));
                assertThat(slow.readLine()).isEqualTo("ERR 408 request line not completed within 1 s; closing");
                assertThat(slow.readLine()).isNull();
            }
        }
    }

    /**
     * "ERR 408 upload stalled: no bytes for <n> s; the <m> bytes received are kept, PUT again to resume", then the
     * connection closes; PUT again resumes.
     */
    @Test
    void aStalledUploadIsToldWhyAndClosed() throws Exception {
        byte[] bytes = random(5000);
        try (LineClient uploader = loggedIn("ann")) {
            assertThat(put(uploader, bytes, "/stalled")).isEqualTo("OK SEND 0");
            uploader.sendRaw(Arrays.copyOf(bytes, 1000));
            assertThat(uploader.readLine())
                    .matches("ERR 408 upload stalled: no bytes for \\d+ s; the 1000 bytes "
                            + "received are kept, PUT again to resume");
            assertThat(uploader.readLine()).isNull();
        }
        try (LineClient c = loggedIn("ann")) {
            assertThat(put(c, bytes, "/stalled")).isEqualTo("OK SEND 1000");
        }
    }

    // ---------------------------------------------------------------------------------- arguments and paths

    /**
     * The quoting rules: a lone path is the rest of the line as sent (quotes and backslashes inside it included);
     * MV's paths are separated by spaces and one with a space is quoted; in quotes only \" and \\ are escapes; an
     * open quote, another escape or text right after a closing quote is ERR 400.
     */
    @Test
    void quotingIsExactlyAsDocumented() throws Exception {
        try (LineClient c = loggedIn("ann")) {
            assertThat(c.request("MKDIR /quoting")).startsWith("OK D ");
            assertThat(c.request("CD /quoting")).isEqualTo("OK /quoting");
            assertThat(c.request("MKDIR  spaced "))
                    .as("leading and trailing spaces count")
                    .matches("OK D 0 " + TIME + " - /quoting/ spaced ");
            assertThat(c.request("MKDIR say \"hi\"")).endsWith(" - /quoting/say \"hi\"");
            assertThat(c.request("MKDIR q\"b\\c")).endsWith(" - /quoting/q\"b\\c");
            assertThat(c.request("MKDIR \"say \\\"hi\\\" \\\\ bye\"  "))
                    .as("escapes, then only spaces")
                    .endsWith(" - /quoting/say \"hi\" \\ bye");
            assertThat(c.request("MV \"say \\\"hi\\\" \\\\ bye\"   \"two words\""))
                    .endsWith(" - /quoting/two words");
            assertThat(c.request("MV q\"b\\c plain"))
                    .as("a bare word is taken as it is")
                    .endsWith(" - /quoting/plain");

            assertThat(c.request("MV two words three")).isEqualTo("ERR 400 usage: MV <from> <to>");
            assertThat(c.request("MKDIR \"unclosed")).isEqualTo("ERR 400 unterminated quote");
            assertThat(c.request("MKDIR \"C:\\dir\"")).startsWith("ERR 400 in quotes a backslash escapes only");
            assertThat(c.request("MV \"two words\"x plain2"))
                    .isEqualTo("ERR 400 a closing quote must be followed " + "by a space or the end of the line");
            assertThat(c.request("MKDIR \"a\" b")).isEqualTo("ERR 400 expected one path");
            assertThat(c.request("PUT 1 " + sha256(new byte[1]) + " \"C:\\x\""))
                    .as("PUT's quoted path, the same")
                    .startsWith("ERR 400 in quotes a backslash escapes only");

            assertThat(list(c, "/quoting")).containsExactlyInAnyOrder(" spaced ", "say \"hi\"", "two words", "plain");
        }
    }

    /**
     * "The length limits count UTF-8 bytes after NFC normalisation, and of the whole absolute path"; names are
     * stored and shown in NFC; "Only the 8192 bytes of a request line count the bytes as sent."
     */
    @Test
    void lengthLimitsCountTheNfcFormOfTheWholePath() throws Exception {
        try (LineClient c = loggedIn("ann")) {
            assertThat(c.request("MKDIR /nfc")).startsWith("OK D ");
            String decomposed = "e\u0301".repeat(100); // 300 bytes as sent, 200 in NFC
            assertThat(c.request("MKDIR /nfc/" + decomposed)).endsWith(" - /nfc/" + "\u00e9".repeat(100));
            assertThat(c.request("STAT /nfc/" + "\u00e9".repeat(100)))
                    .as("the same name, in NFC")
                    .endsWith(" - /nfc/" + "\u00e9".repeat(100));
            String lengthened = "\u0958".repeat(85); // 255 bytes as sent, 510 in NFC
            assertThat(c.request("MKDIR /nfc/" + lengthened))
                    .startsWith("ERR 400 name '")
                    .endsWith("' is longer than 255 bytes");

            StringBuilder deep = new StringBuilder("/nfc");
            for (int i = 0; i < 16; i++) {
                deep.append('/').append(Character.toString('a' + i).repeat(250));
                assertThat(c.request("MKDIR " + deep)).startsWith("OK D ");
            }
            assertThat(c.request("CD " + deep)).isEqualTo("OK " + deep);
            int room = 4096 - deep.length() - 1; // the bytes a relative name may still take
            assertThat(c.request("MKDIR " + "y".repeat(room + 1))).isEqualTo("ERR 400 path is longer than 4096 bytes");
            assertThat(c.request("MKDIR " + "y".repeat(room))).endsWith(" - " + deep + "/" + "y".repeat(room));
        }
    }

    // ---------------------------------------------------------------------------------------------- commands

    /**
     * "Upper-casing is Unicode's default full case mapping, the same whatever the server's locale": ß becomes SS, ﬁ
     * becomes FI, i becomes I (these workers run in a Turkish locale), ǆ becomes Ǆ; the text is everything after ECHO
     * and one space, not normalised; without text the reply ends with the colon and a space.
     */
    @Test
    void echoUpperCasesTheSameInEveryLocale() throws Exception {
        try (LineClient c = new LineClient(server.address())) {
            assertThat(c.request("ECHO straße ﬁ i ı ǆ 你好 😀 1 e\u0301"))
                    .matches("OK PROCESS\\[PID \\d+\\]: STRASSE FI I I Ǆ 你好 😀 1 E\u0301");
            assertThat(c.request("ECHO")).matches("OK PROCESS\\[PID \\d+\\]: ");
            assertThat(c.request("echo ")).matches("OK PROCESS\\[PID \\d+\\]: ");
            assertThat(c.request("ECHO  a")).matches("OK PROCESS\\[PID \\d+\\]:  A");
        }
    }

    /** HELP names every command of the document's command tables, and the tables name every command HELP does. */
    @Test
    void helpAndTheDocumentListTheSameCommands() throws Exception {
        Set<String> documented = new LinkedHashSet<>();
        String doc = Files.readString(DOCUMENT, StandardCharsets.UTF_8);
        String commands = doc.substring(doc.indexOf("\n## Commands"), doc.indexOf("\n### Upload"));
        Matcher row = Pattern.compile("(?m)^\\| `([A-Z]+)[ `]").matcher(commands);
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(documented).contains("HASH");
        try (LineClient c = new LineClient(server.address())) {
            String help = c.request("HELP");
            assertThat(help).startsWith("OK commands: ");
            Set<String> helped = new LinkedHashSet<>();
            for (String item : help.substring("OK commands: ".length()).split(", ")) {
                helped.add(item.split(" ")[0]);
            }
            assertThat(helped).containsExactlyInAnyOrderElementsOf(documented);
        }
    }

    /**
     * The edges of the command table: RMTREE of a file removes it; LIST of a file is ERR 409; GET at the size is
     * "OK DATA 0" with no bytes, past it ERR 400, of a directory ERR 409; HASH is a logged-in command (ERR 401) and
     * without an OK PROVE waiting ERR 400; PUT into a missing directory is 404, onto a directory or under a file 409.
     */
    @Test
    void theEdgesOfTheCommandTable() throws Exception {
        try (LineClient anonymous = new LineClient(server.address())) {
            assertThat(anonymous.request("HASH " + sha256(new byte[0]))).isEqualTo("ERR 401 log in first");
        }
        try (LineClient c = loggedIn("ann")) {
            assertThat(c.request("HASH " + sha256(new byte[0])))
                    .isEqualTo("ERR 400 HASH answers a PUT that was answered with PROVE");
            assertThat(c.request("MKDIR /edges")).startsWith("OK D ");
            byte[] five = ascii(5);
            String sha = sha256(five);
            assertThat(upload(c, five, "/edges/f")).startsWith("OK STORED F 5 ");
            assertThat(c.request("LIST /edges/f")).isEqualTo("ERR 409 not a directory: /edges/f");
            c.sendRaw(lines("GET 5 /edges/f", "ECHO next"));
            assertThat(c.readLine()).isEqualTo("OK DATA 0 5 " + sha);
            assertThat(c.readLine()).as("no bytes").endsWith("]: NEXT");
            assertThat(c.request("GET 6 /edges/f")).isEqualTo("ERR 400 offset 6 is past the end of /edges/f (5 bytes)");
            assertThat(c.request("GET 0 /edges")).isEqualTo("ERR 409 is a directory: /edges");
            assertThat(put(c, ascii(3), "/edges/missing/x")).isEqualTo("ERR 404 no such directory: /edges/missing");
            assertThat(put(c, ascii(3), "/edges")).isEqualTo("ERR 409 is a directory: /edges");
            assertThat(put(c, ascii(3), "/edges/f/x")).isEqualTo("ERR 409 not a directory: /edges/f");
            assertThat(c.request("CD /edges")).isEqualTo("OK /edges");
            assertThat(c.request("LIST")).as("the working directory").isEqualTo("OK 1 entries");
            assertThat(c.readLine()).endsWith(" f");
            assertThat(c.request("RMTREE f")).isEqualTo("OK removed");
            assertThat(c.request("STAT /edges/f")).isEqualTo("ERR 404 no such file or directory: /edges/f");
        }
    }

    /**
     * "Only OK WELCOME changes the session: it then belongs to the user who logged in (the same one or another), its
     * working directory is /, and an OK PROVE still waiting for its HASH is forgotten. A login that fails at either
     * step changes nothing."
     */
    @Test
    void aLoginStartsAtTheRootAndAFailedOneChangesNothing() throws Exception {
        try (LineClient c = loggedIn("ann")) {
            assertThat(c.request("PWD")).isEqualTo("OK /");
            assertThat(c.request("MKDIR /relogin")).startsWith("OK D ");
            assertThat(c.request("CD /relogin")).isEqualTo("OK /relogin");
            assertThat(login(c, "ann", "wrong")).isEqualTo("ERR 401 authentication failed");
            assertThat(login(c, "nobody", "wrong")).isEqualTo("ERR 401 authentication failed");
            assertThat(c.request("LOGIN !!!")).startsWith("ERR 400 ");
            assertThat(c.request("WHOAMI")).isEqualTo("OK ann");
            assertThat(c.request("PWD")).isEqualTo("OK /relogin");

            byte[] bytes = random(1000);
            assertThat(upload(c, bytes, "x")).startsWith("OK STORED ");
            Matcher prove = Pattern.compile("OK PROVE ([0-9a-f]{64})").matcher(put(c, bytes, "y"));
            assertThat(prove.matches()).isTrue();
            assertThat(login(c, "ann", PASSWORD)).startsWith("OK WELCOME ");
            assertThat(c.request("PWD")).isEqualTo("OK /");
            assertThat(c.request("HASH " + proof(bytes, prove)))
                    .as("the PROVE was forgotten")
                    .isEqualTo("ERR 400 HASH answers a PUT that was answered with PROVE");
            assertThat(c.request("CD /relogin")).isEqualTo("OK /relogin");
            assertThat(login(c, "bob", PASSWORD)).startsWith("OK WELCOME ");
            assertThat(c.request("WHOAMI")).isEqualTo("OK bob");
            assertThat(c.request("PWD")).isEqualTo("OK /");
        }
    }

    /**
     * "`LOGIN` and `PROOF` from that address get `ERR 429 too many failed logins from <address>: try again in <n> s`".
     */
    @Test
    void tooManyFailedLoginsAnswerTheDocumentedLine() throws Exception {
        Path data = TestServers.dataWithUsers(tmp.resolve("throttled"), "ann", PASSWORD, 0);
        try (PoolServer throttled = PoolServer.start(TestServers.config(data, 1)
                        .loginMaxFailures(2)
                        .loginBan(Duration.ofMinutes(1))
                        .build());
                LineClient early = new LineClient(throttled.address());
                LineClient c = new LineClient(throttled.address())) {
            ScramClient scram = scram("ann", PASSWORD);
            String challenge =
                    early.request("LOGIN " + base64(scram.clientFirstMessage().toString()));
            assertThat(challenge).startsWith("OK CHALLENGE ");
            assertThat(login(c, "ann", "wrong")).isEqualTo("ERR 401 authentication failed");
            assertThat(login(c, "ann", "wrong")).isEqualTo("ERR 401 authentication failed");
            String banned = "ERR 429 too many failed logins from 127\\.0\\.0\\.1: try again in \\d+ s";
            assertThat(login(c, "ann", PASSWORD)).matches(banned);
            scram.serverFirstMessage(unbase64(challenge.substring("OK CHALLENGE ".length())));
            assertThat(early.request(
                            "PROOF " + base64(scram.clientFinalMessage().toString())))
                    .matches(banned);
        }
    }

    // ------------------------------------------------------------------------------------------------ upload

    /**
     * "ERR 412 SHA-256 mismatch: the bytes received for <path> hash to <sha256>; the upload was discarded, send it
     * again (the bytes are dropped: the next PUT gets OK SEND 0)"; the connection stays open.
     */
    @Test
    void bytesThatDoNotMatchTheirHashAreRefusedWithTheDocumentedLine() throws Exception {
        try (LineClient c = loggedIn("ann")) {
            byte[] sent = random(3000);
            byte[] announced = random(3000);
            String line = "PUT 3000 " + sha256(announced) + " /mismatch";
            assertThat(c.request(line)).isEqualTo("OK SEND 0");
            c.sendRaw(sent);
            assertThat(c.readLine())
                    .isEqualTo("ERR 412 SHA-256 mismatch: the bytes received for /mismatch hash to " + sha256(sent)
                            + "; the upload was discarded, send it again");
            assertThat(c.request(line)).isEqualTo("OK SEND 0");
            c.sendRaw(announced);
            assertThat(c.readLine()).startsWith("OK STORED F 3000 ");
        }
    }

    /**
     * "Resume and instant upload at once": the server holds bytes of an earlier upload and the whole content: it
     * answers OK PROVE; after a failed proof the next PUT gets OK SEND with the bytes held; a proof drops them.
     */
    @Test
    void instantUploadWinsOverAResumableUpload() throws Exception {
        try (LineClient c = loggedIn("ann")) {
            assertThat(c.request("MKDIR /both")).startsWith("OK D ");
        }
        byte[] failed = random(200_000);
        leavePart(failed, "/both/failed", 50_000);
        try (LineClient c = loggedIn("ann")) {
            assertThat(upload(c, failed, "/both/copy")).startsWith("OK STORED ");
            assertThat(put(c, failed, "/both/failed")).startsWith("OK PROVE ");
            assertThat(c.request("HASH " + sha256(new byte[1]))).startsWith("ERR 412 proof of possession failed");
            assertThat(put(c, failed, "/both/failed")).isEqualTo("OK SEND 50000");
            c.sendRaw(Arrays.copyOfRange(failed, 50_000, failed.length));
            assertThat(c.readLine()).startsWith("OK STORED F 200000 ");
        }

        byte[] proven = random(200_000);
        leavePart(proven, "/both/proven", 50_000);
        try (LineClient c = loggedIn("ann")) {
            assertThat(upload(c, proven, "/both/copy2")).startsWith("OK STORED ");
            Matcher prove = Pattern.compile("OK PROVE ([0-9a-f]{64})").matcher(put(c, proven, "/both/proven"));
            assertThat(prove.matches()).isTrue();
            assertThat(c.request("HASH " + proof(proven, prove))).startsWith("OK STORED F 200000 ");
        }
        try (LineClient c = loggedIn("ann")) { // a failed proof shows what is held now: nothing
            assertThat(put(c, proven, "/both/proven")).startsWith("OK PROVE ");
            assertThat(c.request("HASH " + sha256(new byte[1]))).startsWith("ERR 412 ");
            assertThat(put(c, proven, "/both/proven")).isEqualTo("OK SEND 0");
        }
    }

    /**
     * "Two sessions, one upload": a PUT of the same upload while another session is sending waits up to 2 s and
     * answers ERR 409 another session is uploading <path> right now.
     */
    @Test
    void aSecondSessionCannotSendAnUploadThatAnotherIsSending() throws Exception {
        byte[] bytes = random(100_000);
        try (LineClient a = loggedIn("ann");
                LineClient b = loggedIn("ann")) {
            assertThat(a.request("MKDIR /busy")).startsWith("OK D ");
            assertThat(put(a, bytes, "/busy/x")).isEqualTo("OK SEND 0");
            AtomicBoolean sending = new AtomicBoolean(true);
            int[] sent = {0};
            Thread dribble = new Thread(() -> {
                try {
                    while (sending.get()) {
                        a.sendRaw(Arrays.copyOfRange(bytes, sent[0], sent[0] + 100));
                        sent[0] += 100;
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            dribble.start();
            long asked = System.nanoTime();
            String reply = put(b, bytes, "/busy/x");
            long waitedMillis = (System.nanoTime() - asked) / 1_000_000;
            sending.set(false);
            dribble.join();
            assertThat(reply).isEqualTo("ERR 409 another session is uploading /busy/x right now");
            assertThat(waitedMillis).isGreaterThanOrEqualTo(1_900);
            a.sendRaw(Arrays.copyOfRange(bytes, sent[0], bytes.length));
            assertThat(a.readLine()).startsWith("OK STORED F 100000 ");
            assertThat(b.request("ECHO still open")).endsWith("]: STILL OPEN");
        }
    }

    /**
     * "When the first session has paused instead, the PUT takes the upload over: OK SEND <bytes held>, the first
     * session's bytes included. The first session, as soon as it sends again, gets ERR 409 ... and its connection is
     * closed."
     */
    @Test
    void aSecondSessionTakesOverAPausedUpload() throws Exception {
        byte[] bytes = random(100_000);
        try (LineClient a = loggedIn("ann");
                LineClient b = loggedIn("ann")) {
            assertThat(a.request("MKDIR /takeover")).startsWith("OK D ");
            assertThat(put(a, bytes, "/takeover/x")).isEqualTo("OK SEND 0");
            a.sendRaw(Arrays.copyOf(bytes, 1000));
            assertThat(put(b, bytes, "/takeover/x")).isEqualTo("OK SEND 1000");
            b.sendRaw(Arrays.copyOfRange(bytes, 1000, 1500));
            a.sendRaw(Arrays.copyOfRange(bytes, 1000, 1001));
            assertThat(a.readLine()).startsWith("ERR 409 ");
            assertClosed(a);
            b.sendRaw(Arrays.copyOfRange(bytes, 1500, bytes.length));
            assertThat(b.readLine()).matches("OK STORED F 100000 " + TIME + " " + sha256(bytes) + " /takeover/x");
        }
    }

    /**
     * "Each file counts its size against its owner's quota, however it was stored: a file stored by instant upload
     * counts in full ... A file that replaces another counts only what it adds"; ERR 507 quota exceeded: <n> bytes
     * needed, <free> of <quota> free.
     */
    @Test
    void quotaCountsInstantUploadsInFullAndReplacementsByWhatTheyAdd() throws Exception {
        try (LineClient c = loggedIn("bob")) { // quota 100,000 bytes
            byte[] first = random(40_000);
            assertThat(upload(c, first, "/a")).startsWith("OK STORED ");
            Matcher prove = Pattern.compile("OK PROVE ([0-9a-f]{64})").matcher(put(c, first, "/b"));
            assertThat(prove.matches()).isTrue();
            assertThat(c.request("HASH " + proof(first, prove))).startsWith("OK STORED F 40000 ");
            assertThat(put(c, random(30_000), "/c"))
                    .isEqualTo("ERR 507 quota exceeded: 30000 bytes needed, 20000 of 100000 free");
            assertThat(upload(c, random(50_000), "/a"))
                    .as("replacing 40,000 bytes")
                    .startsWith("OK STORED F 50000 ");
            assertThat(put(c, random(10_001), "/c"))
                    .isEqualTo("ERR 507 quota exceeded: 10001 bytes needed, 10000 of 100000 free");
            assertThat(upload(c, random(10_000), "/c")).startsWith("OK STORED F 10000 ");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static LineClient loggedIn(String user) throws Exception {
        LineClient c = new LineClient(server.address());
        String welcome = login(c, user, PASSWORD);
        assertThat(welcome).startsWith("OK WELCOME ");
        return c;
    }

    /** The SCRAM-SHA-256 exchange; returns the server's last line (OK WELCOME or an ERR). */
    private static String login(LineClient c, String user, String password) throws Exception {
        ScramClient scram = scram(user, password);
        String challenge =
                c.request("LOGIN " + base64(scram.clientFirstMessage().toString()));
        if (!challenge.startsWith("OK CHALLENGE ")) {
            return challenge;
        }
        scram.serverFirstMessage(unbase64(challenge.substring("OK CHALLENGE ".length())));
        return c.request("PROOF " + base64(scram.clientFinalMessage().toString()));
    }

    private static ScramClient scram(String user, String password) {
        return ScramClient.builder()
                .advertisedMechanisms(List.of("SCRAM-SHA-256"))
                .username(user)
                .password(password.toCharArray())
                .build();
    }

    /** Begins an upload of {@code bytes} in a session of its own, sends the first {@code count}, and hangs up. */
    private static void leavePart(byte[] bytes, String path, int count) throws Exception {
        try (LineClient c = loggedIn("ann")) {
            assertThat(put(c, bytes, path)).isEqualTo("OK SEND 0");
            c.sendRaw(Arrays.copyOf(bytes, count));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> { // until the server has them all and let go of the part
                            try (LineClient c = loggedIn("ann")) {
                                return put(c, bytes, path).equals("OK SEND " + count);
                            }
                        });
    }

    private static String put(LineClient c, byte[] bytes, String path) throws IOException {
        return c.request("PUT " + bytes.length + " " + sha256(bytes) + " " + path);
    }

    /** PUT, the bytes, and the second reply. */
    private static String upload(LineClient c, byte[] bytes, String path) throws IOException {
        assertThat(put(c, bytes, path)).isEqualTo("OK SEND 0");
        c.sendRaw(bytes);
        return c.readLine();
    }

    /** The proof an OK PROVE asks for: HMAC-SHA256 of the whole content, keyed by the nonce's 32 bytes. */
    private static String proof(byte[] bytes, Matcher prove) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    java.util.HexFormat.of().parseHex(prove.group(1)), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The names in a LIST of {@code path}. */
    private static List<String> list(LineClient c, String path) throws IOException {
        String head = c.request("LIST " + path);
        Matcher m = Pattern.compile("OK (\\d+) entries").matcher(head);
        assertThat(m.matches()).as(head).isTrue();
        List<String> names = new ArrayList<>();
        for (int i = Integer.parseInt(m.group(1)); i > 0; i--) {
            names.add(c.readLine().split(" ", 5)[4]);
        }
        return names;
    }

    /** The server closed the connection: end of stream, or a reset when it closed with bytes of ours unread. */
    private static void assertClosed(LineClient c) {
        try {
            assertThat(c.readLine()).isNull();
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("reset");
        }
    }

    private static String readChars(LineClient c, int count) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append((char) c.readChar());
        }
        return sb.toString();
    }

    private static byte[] lines(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Fresh content (so that no earlier test's makes it an instant upload). */
    private static byte[] random(int size) {
        byte[] b = new byte[size];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Fresh content of letters, to be read back as text. */
    private static byte[] ascii(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + RANDOM.nextInt(26));
        }
        return b;
    }

    private static String sha256(byte[] bytes) {
        try {
            return Sha256.hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unbase64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
