package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.auth.Accounts;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import io.pooldisk.unix.ProcessControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, item 4: everything the server creates in its data directory is its owner's alone, whatever the umask and
 * the mode the directory had: the database and its -wal and -shm (SCRAM verifiers, names), the log, the lock, the
 * control socket, blobs and parts; and the directory itself is made 0700, which the log says.
 */
class DataDirPermissionsTest {

    @TempDir
    Path tmp;

    private PoolServer server;
    private int umaskBefore = -1;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (umaskBefore >= 0) {
            ProcessControl.umask(umaskBefore);
        }
    }

    @ParameterizedTest(name = "umask {0}")
    @ValueSource(ints = {022, 0})
    void everyFileIs0600AndEveryDirectory0700(int umask) throws Exception {
        umaskBefore = ProcessControl.umask(umask); // the workers, spawned by this process, start with it too
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        server = PoolServer.start(TestServers.config(data, 2).build());
        try (DiskStore store = DiskStore.open(data)) { // as `pooldisk user add` does, beside the running server
            Accounts.of(store).add("ann", "pw".toCharArray(), 0);
        }
        byte[] content = new byte[300_000];
        new Random(1).nextBytes(content);
        Path local = Files.write(tmp.resolve("up.bin"), content);
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            c.login("ann", "pw".toCharArray());
            c.upload(local, "/stored.bin", TransferListener.NONE);
        }
        try (LineClient c = new LineClient(server.address())) { // an upload left unfinished: its part stays
            TestServers.login(c, "ann", "pw");
            content[0]++; // other content: no instant upload
            String sha = Sha256.hex(Sha256.digest().digest(content));
            assertThat(c.request("PUT " + content.length + " " + sha + " /unfinished.bin"))
                    .isEqualTo("OK SEND 0");
            c.sendRaw(java.util.Arrays.copyOf(content, 1000));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> partsHold(data, 1000));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.readString(data.resolve("server.log"))
                        .contains("data directory " + data + " was rwxr-xr-x: made rwx------"));

        List<String> seen = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            all.forEach(p -> {
                String name = data.relativize(p).toString();
                String want = Files.isDirectory(p) ? "rwx------" : "rw-------";
                String mode = modeOf(p);
                seen.add(name);
                if (!mode.equals(want)) {
                    wrong.add(name + " " + mode);
                }
            });
        }
        assertThat(seen)
                .contains(
                        "",
                        "pooldisk.db",
                        "pooldisk.db-wal",
                        "pooldisk.db-shm",
                        "server.log",
                        "server.lock",
                        "control.sock",
                        "blobs",
                        "parts")
                .anyMatch(n -> n.matches("blobs/[0-9a-f]{2}/[0-9a-f]{64}"))
                .anyMatch(n -> n.startsWith("parts/"));
        assertThat(wrong).as("not owner-only").isEmpty();
    }

    private static boolean partsHold(Path data, long bytes) throws Exception {
        try (Stream<Path> parts = Files.list(data.resolve("parts"))) {
            return parts.anyMatch(p -> p.toFile().length() == bytes);
        }
    }

    private static String modeOf(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
