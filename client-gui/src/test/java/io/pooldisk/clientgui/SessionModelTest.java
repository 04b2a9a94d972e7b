package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.auth.Accounts;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.RemoteEntry;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.SessionInfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** A server, a session logged in as ann, and a queue whose changes run on the transferring threads. */
    private void connectedQueue() throws Exception {
        server = new TestServer(tmp);
        connect(server.port());
        await().atMost(PATIENCE).until(() -> session.state() == ClientSession.State.CONNECTED);
        queue = new TransferQueue(session, notifier, Runnable::run);
    }

    @Test
    void aDroppedConnectionIsOpenedAgainAndTheCommandRepeated() throws Exception {
        server = new TestServer(tmp);
        // A drop a command finds, not the idle-connection watch: that one would find the kick below first, at times,
        // and rightly call the session over (ConsoleViewTest covers that).
        session = new ClientSession(Runnable::run, notifier, null, TimeUnit.HOURS.toMillis(1));
        session.connect("127.0.0.1", server.port(), TestServer.USER, TestServer.PASSWORD.toCharArray());
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
        connectedQueue();
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

    @Test
    void aLimitedUploadShowsItsProgressSpeedAndTimeLeftAsTheBytesGo() throws Exception {
        connectedQueue();
        queue.speedLimitProperty().set(1L << 20);
        Path local = TestServer.randomFile(tmp, "limited.bin", 3 * 1024 * 1024, 21);

        List<Long> done = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean speedAndTimeLeftShown = new AtomicBoolean();
        Transfer up = queue.upload(local, "/limited.bin");
        up.doneProperty().addListener((p, was, now) -> {
            done.add(now.longValue());
            if (now.longValue() < up.totalProperty().get()
                    && up.speedProperty().get() > 0
                    && up.secondsLeftProperty().get() >= 0) {
                speedAndTimeLeftShown.set(true);
            }
        });
        await().atMost(PATIENCE).until(() -> up.state() == Transfer.State.DONE);

        assertThat(up.message()).contains("verified");
        assertThat(done).as("progress only grows").isSorted().endsWith(3L * 1024 * 1024);
        assertThat(done.stream().filter(d -> d < 3L * 1024 * 1024).distinct().count())
                .as("the bytes are reported as they go, not all at once ahead of them")
                .isGreaterThanOrEqualTo(10);
        assertThat(speedAndTimeLeftShown)
                .as("speed and time left shown before the end")
                .isTrue();
    }

    @Test
    void aTransferBelongsToItsAccountAndRetryUnderAnotherIsRefused() throws Exception {
        connectedQueue();
        server.addUser("bob", "bob's password", 0);
        server.setQuota(TestServer.USER, 1024 * 1024);
        Path local = TestServer.randomFile(tmp, "too big.bin", 2_000_000, 22);
        Transfer up = queue.upload(local, "/too big.bin");
        await().atMost(PATIENCE).until(() -> up.state() == Transfer.State.FAILED);
        assertThat(up.message()).startsWith("Not enough space");
        assertThat(up.account().user()).isEqualTo(TestServer.USER);

        session.connect("127.0.0.1", server.port(), "bob", "bob's password".toCharArray());
        await().atMost(PATIENCE)
                .until(() -> session.state() == ClientSession.State.CONNECTED
                        && session.userProperty().get().equals("bob"));
        assertThat(queue.retry(up)).isFalse();
        assertThat(up.state()).isEqualTo(Transfer.State.FAILED);
        assertThat(notifier.current().level()).isEqualTo(Notifier.Level.ERROR);
        assertThat(notifier.current().text())
                .contains("Retry refused")
                .contains("ann@127.0.0.1:" + server.port())
                .contains("bob@127.0.0.1:" + server.port());
        assertThat(listing("bob", "bob's password")).isEmpty();

        // Back as ann, with room now: Retry stores it in her space.
        server.setQuota(TestServer.USER, 0);
        session.connect("127.0.0.1", server.port(), TestServer.USER, TestServer.PASSWORD.toCharArray());
        await().atMost(PATIENCE)
                .until(() -> session.state() == ClientSession.State.CONNECTED
                        && session.userProperty().get().equals(TestServer.USER));
        assertThat(queue.retry(up)).isTrue();
        await().atMost(PATIENCE).until(() -> up.state() == Transfer.State.DONE);
        assertThat(listing(TestServer.USER, TestServer.PASSWORD)).containsExactly("too big.bin");
        assertThat(listing("bob", "bob's password")).isEmpty();
    }

    private List<String> listing(String user, String password) throws Exception {
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.port())) {
            c.login(user, password.toCharArray());
            return c.list("/").stream().map(RemoteEntry::name).toList();
        }
    }
}
