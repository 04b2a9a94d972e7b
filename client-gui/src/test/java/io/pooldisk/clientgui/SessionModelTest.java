package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.auth.Accounts;
import io.pooldisk.client.DiskClient;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.SessionInfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view models without any UI thread (property changes run on the calling thread), against a real server:
 * reconnecting after the server drops the connection, a busy server, a transfer queue.
 */
class SessionModelTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private TestServer server;
    private final Notifier notifier = new Notifier();
    private ClientSession session;
    private TransferQueue queue;

    @AfterEach
    void stop() {
        if (queue != null) {
            queue.close();
        }
        if (session != null) {
            session.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void connect(int port) {
        session = new ClientSession(Runnable::run, notifier, null);
        session.connect("127.0.0.1", port, TestServer.USER, TestServer.PASSWORD.toCharArray());
    }

    @Test
    void aDroppedConnectionIsOpenedAgainAndTheCommandRepeated() throws Exception {
        server = new TestServer(tmp);
        connect(server.port());
        FilesModel files = new FilesModel(session, notifier);
        EchoModel echo = new EchoModel(session);
        await().atMost(PATIENCE).until(() -> session.state() == ClientSession.State.CONNECTED);
        files.mkdir("kept");
        await().atMost(PATIENCE).until(() -> files.contains("kept"));

        for (SessionInfo s : server.server.snapshot().sessions()) {
            server.server.kickSession(s.id());
        }
        await().atMost(PATIENCE).until(() -> server.server.snapshot().sessions().isEmpty());

        files.refresh();
        AtomicBoolean answered = new AtomicBoolean();
        echo.send("still there", answered::set);
        await().atMost(PATIENCE).until(answered::get);
        assertThat(echo.lines())
                .singleElement()
                .satisfies(l -> assertThat(l.reply().text()).isEqualTo("STILL THERE"));
        assertThat(session.statusProperty().get()).contains("reconnected");
        assertThat(session.state()).isEqualTo(ClientSession.State.CONNECTED);
        assertThat(files.entries()).extracting(e -> e.name()).containsExactly("kept");
        assertThat(notifier.current())
                .as("no error shown")
                .satisfiesAnyOf(
                        n -> assertThat(n).isNull(), n -> assertThat(n.level()).isEqualTo(Notifier.Level.INFO));
    }

    @Test
    void aBusyServerIsToldClearly() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add(TestServer.USER, TestServer.PASSWORD.toCharArray(), 0);
        }
        try (PoolServer busy = PoolServer.start(PoolConfig.builder()
                        .bind(new InetSocketAddress("127.0.0.1", 0))
                        .workers(1)
                        .maxSessions(1)
                        .dataDir(data)
                        .grace(Duration.ofSeconds(5))
                        .build());
                DiskClient hog = DiskClient.connect("127.0.0.1", busy.address().getPort())) {
            hog.echo("I am the only one");
            connect(busy.address().getPort());
            // The notice is the last change a failed connect makes; the status and state are in place before it.
            await().atMost(PATIENCE).until(() -> notifier.current() != null);
            assertThat(session.statusProperty().get()).contains("busy");
            assertThat(session.state()).isEqualTo(ClientSession.State.DISCONNECTED);
            assertThat(notifier.current().level()).isEqualTo(Notifier.Level.ERROR);
        }
    }

    @Test
    void theQueueUploadsAndDownloadsWithoutAUiThread() throws Exception {
        server = new TestServer(tmp);
        connect(server.port());
        await().atMost(PATIENCE).until(() -> session.state() == ClientSession.State.CONNECTED);
        queue = new TransferQueue(session, notifier, Runnable::run);
        Path local = TestServer.randomFile(tmp, "a.bin", 2_000_000, 9);
        Transfer up = queue.upload(local, "/a.bin");
        await().atMost(PATIENCE).until(() -> up.state() == Transfer.State.DONE);
        assertThat(up.doneProperty().get()).isEqualTo(2_000_000);
        assertThat(up.progress()).isEqualTo(1.0);
        Transfer again = queue.upload(local, "/copy of a.bin");
        await().atMost(PATIENCE).until(() -> again.state() == Transfer.State.DONE);
        assertThat(again.message()).contains("instant upload");
        Transfer down = queue.download("/a.bin", tmp.resolve("out/a.bin"), 2_000_000);
        await().atMost(PATIENCE).until(() -> down.state() == Transfer.State.DONE);
        assertThat(Files.mismatch(local, tmp.resolve("out/a.bin"))).isEqualTo(-1);

        Transfer missing = queue.download("/nope.bin", tmp.resolve("out/nope.bin"), 1);
        await().atMost(PATIENCE).until(() -> missing.state() == Transfer.State.FAILED);
        assertThat(missing.message()).startsWith("Not found");
        assertThat(missing.attemptsProperty().get()).isEqualTo(1);
        assertThat(queue.transfers()).hasSize(4);
        queue.clearFinished();
        assertThat(queue.transfers()).containsExactly(missing);
    }
}
