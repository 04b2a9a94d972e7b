package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.disk.DiskStore;
import io.pooldisk.disk.FileTree;
import io.pooldisk.protocol.EntryLine;
import io.pooldisk.testing.BulkEntries;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LIST streams (issue 12, item 12): a directory of any size is listed by a worker whose heap is far smaller than the
 * listing, every entry once and in order, and a client that does not read holds no worker meanwhile.
 */
class LargeListingTest {

    /** The old LIST, which built the whole reply, ran out of this heap at a few thousand entries. */
    private static final String SMALL_HEAP = "-Xmx8m";

    @TempDir
    Path tmp;

    private PoolServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHundredThousandEntriesStreamInOrderFromASmallHeapWhileTheClientReadsOrNot() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "pw", 0);
        List<String> names = names(100_000, 180, 1);
        try (DiskStore store = DiskStore.open(data)) {
            store.files("ann").mkdir("/big");
        }
        BulkEntries.addFiles(data, "ann", "/big", names, 12_345);
        List<String> expected = inUtf8Order(names);
        startWithOneSmallWorker(data);

        // A client that asks and does not read: the listing (about 30 MB) fills its socket, the rest waits in the
        // master, and the only worker is free for someone else.
        try (LineClient slow = loggedIn(4096);
                LineClient other = new LineClient(server.address())) {
            String pid = pidOf(slow);
            slow.send("LIST /big");
            await().atMost(Duration.ofSeconds(60)).until(() -> server.snapshot().idle() == 1);
            assertThat(other.request("ECHO meanwhile")).endsWith(": MEANWHILE");
            assertListing(slow, expected);
            assertThat(pidOf(slow)).as("the same worker, alive").isEqualTo(pid);

            // And read as fast as it comes, on the same connection: the framing holds.
            slow.send("LIST /big");
            assertListing(slow, expected);
            assertThat(pidOf(slow)).isEqualTo(pid);
        }
    }

    @Test
    void aDirectoryUnderALongPathListsWhole() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "pw", 0);
        String dir = "";
        try (DiskStore store = DiskStore.open(data)) {
            FileTree files = store.files("ann");
            for (int depth = 0; depth < 15; depth++) {
                dir += "/" + depth + "-" + "長い".repeat(41); // 249 bytes a name, 3765 bytes in all
                files.mkdir(dir);
            }
        }
        assertThat(dir.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(3700);
        List<String> names = names(12_000, 200, 2); // names up to 255 bytes: paths up to 4001
        BulkEntries.addFiles(data, "ann", dir, names, 7);
        startWithOneSmallWorker(data);
        try (LineClient c = loggedIn(0)) {
            String pid = pidOf(c);
            c.send("LIST " + dir);
            assertListing(c, inUtf8Order(names));
            c.send("CD " + dir);
            assertThat(c.readLine()).isEqualTo("OK " + dir);
            c.send("LIST");
            assertListing(c, inUtf8Order(names));
            assertThat(pidOf(c)).isEqualTo(pid);
        }
    }

    private void startWithOneSmallWorker(Path data) throws PoolStartException {
        List<String> command = new ArrayList<>(WorkerLauncher.currentJvm().command());
        command.add(command.indexOf("-cp"), SMALL_HEAP); // after the default -Xmx: the last one counts
        server = PoolServer.start(TestServers.config(data, 1)
                .launcher(new WorkerLauncher(command))
                .build());
    }

    private LineClient loggedIn(int receiveBuffer) throws Exception {
        LineClient c = new LineClient(server.address(), receiveBuffer);
        TestServers.login(c, "ann", "pw");
        return c;
    }

    private static String pidOf(LineClient c) throws Exception {
        String echo = c.request("ECHO pid");
        return echo.substring(0, echo.indexOf(']'));
    }

    /** Reads a LIST reply: the count, then each expected name once, in order, as files of the size added. */
    private static void assertListing(LineClient c, List<String> expected) throws Exception {
        assertThat(c.readLine()).isEqualTo("OK " + expected.size() + " entries");
        for (int i = 0; i < expected.size(); i++) {
            EntryLine e = EntryLine.parse(c.readLine());
            if (!e.name().equals(expected.get(i))) { // one assertion per line would cost more than the listing
                assertThat(e.name()).as("entry " + i).isEqualTo(expected.get(i));
            }
            assertThat(e.directory()).isFalse();
            assertThat(e.sha256()).isEqualTo(BulkEntries.SHA256);
        }
    }

    /**
     * {@code count} distinct names of up to {@code maxChars} characters from an alphabet of ASCII, spaces, Latin,
     * CJK and characters outside the BMP (whose UTF-16 order differs from their code point order), all NFC.
     */
    private static List<String> names(int count, int maxChars, long seed) {
        int[] alphabet = "aAbBzZ09 _-.é€照片長\uFF5E".codePoints().toArray();
        int[] astral = {0x1F4F7, 0x1D11E, 0x20000};
        Random random = new Random(seed);
        Set<String> seen = new HashSet<>();
        List<String> names = new ArrayList<>();
        while (names.size() < count) {
            StringBuilder b = new StringBuilder();
            int length = 1 + random.nextInt(random.nextInt(10) == 0 ? maxChars : 24);
            for (int i = 0; i < length; i++) {
                b.appendCodePoint(
                        random.nextInt(8) == 0
                                ? astral[random.nextInt(astral.length)]
                                : alphabet[random.nextInt(alphabet.length)]);
            }
            String name = truncateUtf8(b.toString().strip() + names.size(), 255);
            if (seen.add(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** At most {@code max} bytes of UTF-8, cut between code points. */
    private static String truncateUtf8(String s, int max) {
        while (s.getBytes(StandardCharsets.UTF_8).length > max) {
            s = s.substring(0, s.offsetByCodePoints(0, s.codePointCount(0, s.length()) - 1));
        }
        return s;
    }

    /** The order docs/PROTOCOL.md states: by the bytes of the names' UTF-8, which is Unicode code point order. */
    private static List<String> inUtf8Order(List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort((a, b) ->
                Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        return sorted;
    }
}
