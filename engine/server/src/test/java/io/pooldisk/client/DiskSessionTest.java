package io.pooldisk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.protocol.Sha256;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network disk end to end: a real pool, real workers, real SQLite, the client library. */
class DiskSessionTest {

    @TempDir
    Path tmp;

    private PoolServer server;

    @BeforeEach
    void start() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0, "bob", "s3cret", 10_000);
        server = PoolServer.start(TestServers.config(data, 2).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private DiskClient loggedIn(String user, String password) throws Exception {
        DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort());
        c.login(user, password.toCharArray());
        return c;
    }

    private Path file(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(tmp.resolve(name), bytes);
    }

    @Test
    void roundTripsAreByteIdentical() throws Exception {
        try (DiskClient c = loggedIn("ann", "correct horse")) {
            assertThat(c.whoami()).isEqualTo("ann");
            for (int size : new int[] {0, 1, 1024 * 1024 + 1, 64 * 1024 * 1024}) {
                Path local = file("f" + size, size);
                RemoteEntry stored = c.upload(local, "f" + size + ".bin", TransferListener.NONE);
                assertThat(stored.size()).isEqualTo(size);
                Path back = c.download("f" + size + ".bin", tmp.resolve("back" + size), TransferListener.NONE);
                assertThat(Files.mismatch(local, back)).isEqualTo(-1);
            }
        }
    }

    @Test
    void namespaceCommandsWorkWithSpacesChineseAndEmoji() throws Exception {
        try (DiskClient c = loggedIn("ann", "correct horse")) {
            c.mkdir("my docs");
            assertThat(c.cd("my docs")).isEqualTo("/my docs");
            c.mkdir("照片 📷");
            c.upload(file("a", 10), "照片 📷/a b.txt", TransferListener.NONE);
            assertThat(c.list("照片 📷")).extracting(RemoteEntry::name).containsExactly("a b.txt");
            RemoteEntry moved = c.move("照片 📷/a b.txt", "/renamed.txt");
            assertThat(moved.name()).isEqualTo("/renamed.txt");
            assertThat(c.stat("/renamed.txt").size()).isEqualTo(10);
            assertThat(c.pwd()).isEqualTo("/my docs");
            assertThatThrownBy(() -> c.remove("/my docs", false)).hasMessageContaining("not empty");
            c.remove("/my docs", true);
            assertThat(c.list("/")).extracting(RemoteEntry::name).containsExactly("renamed.txt");
            assertThatThrownBy(() -> c.cd("../x"))
                    .isInstanceOf(DiskClientException.class)
                    .extracting(e -> ((DiskClientException) e).code())
                    .isEqualTo(400);
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        DiskClientException wrong;
        DiskClientException unknown;
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            wrong = (DiskClientException)
                    org.assertj.core.api.Assertions.catchThrowable(() -> c.login("ann", "wrong".toCharArray()));
            unknown = (DiskClientException)
                    org.assertj.core.api.Assertions.catchThrowable(() -> c.login("nobody", "wrong".toCharArray()));
            assertThatThrownBy(c::whoami).hasMessage("log in first");
        }
        assertThat(wrong.code()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo(401);
        assertThat(unknown.getMessage()).isEqualTo(wrong.getMessage());
    }

    @Test
    void commandsNeedALogin() throws Exception {
        try (LineClient c = new LineClient(server.address())) {
            assertThat(c.request("LIST")).startsWith("ERR 401 ");
            assertThat(c.request("ECHO still fine")).endsWith("STILL FINE");
        }
    }

    @Test
    void quotaIsEnforcedWithNothingWritten() throws Exception {
        try (DiskClient c = loggedIn("bob", "s3cret")) {
            c.upload(file("small", 6000), "small", TransferListener.NONE);
            assertThatThrownBy(() -> c.upload(file("big", 6000), "big", TransferListener.NONE))
                    .isInstanceOf(DiskClientException.class)
                    .extracting(e -> ((DiskClientException) e).code())
                    .isEqualTo(507);
            assertThat(c.list("/")).extracting(RemoteEntry::name).containsExactly("small");
        }
    }

    @Test
    void instantUploadNeedsAProofOfPossession() throws Exception {
        Path local = file("shared", 300_000);
        try (DiskClient ann = loggedIn("ann", "correct horse")) {
            ann.upload(local, "original", TransferListener.NONE);
        }
        String sha = Sha256.of(local, 0, Files.size(local));
        try (LineClient raw = new LineClient(server.address());
                DiskClient bob = loggedIn("bob", "s3cret")) {
            // bob knows only the hash: he is asked for a proof, fails it, and must send the bytes after all.
            TestServers.login(raw, "ann", "correct horse");
            String prove = raw.request("PUT 300000 " + sha + " copy");
            assertThat(prove).startsWith("OK PROVE ");
            assertThat(raw.request("HASH " + "0".repeat(64))).startsWith("ERR 412 ");
            assertThat(raw.request("PUT 300000 " + sha + " copy")).isEqualTo("OK SEND 0");
        }
        try (DiskClient ann = loggedIn("ann", "correct horse")) {
            RemoteEntry copy = ann.upload(local, "copy2", TransferListener.NONE); // proves, sends nothing
            assertThat(copy.sha256()).isEqualTo(sha);
            Path back = ann.download("copy2", tmp.resolve("copy2"), TransferListener.NONE);
            assertThat(Files.mismatch(local, back)).isEqualTo(-1);
        }
    }
}
