package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.testfx.util.WaitForAsyncUtils.waitFor;

import atlantafx.base.theme.PrimerLight;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.RemoteEntry;
import io.pooldisk.client.TransferListener;
import io.pooldisk.pool.WorkerInfo;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The client pane, driven like a person would, against a real pool of worker processes. */
@ExtendWith(ApplicationExtension.class)
class ClientPaneTest {

    private static final int PATIENCE = 30;

    @TempDir
    static Path serverDir;

    @TempDir
    Path tmp;

    private static TestServer server;
    private ClientPane pane;
    private RecentServers recents;
    private final ScriptedChooser chooser = new ScriptedChooser();

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestServer(serverDir);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Start
    void start(Stage stage) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        recents = TestServer.scratchRecents();
        pane = new ClientPane("127.0.0.1", server.port(), recents);
        pane.setLocalChooser(chooser);
        stage.setScene(new Scene(pane, 1180, 760));
        stage.show();
    }

    @AfterEach
    void closePane(FxRobot robot) throws Exception {
        robot.interact(pane::close);
        recents.clear();
    }

    // ---------------------------------------------------------------- echo

    @Test
    void echoShowsTheUpperCasedTextAndTheWorkerThatAnswered(FxRobot robot) throws Exception {
        // Not connected: Enter in the echo field connects without a user, as the console's Client tab needs.
        robot.clickOn("#echoText").write("hello pool").type(KeyCode.ENTER);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.echo().lines().size() == 1);
        EchoModel.Line line = pane.echo().lines().get(0);
        assertThat(line.ok()).as(String.valueOf(line.error())).isTrue();
        assertThat(line.reply().text()).isEqualTo("HELLO POOL");
        assertThat(server.isWorkerPid(line.reply().workerPid())).isTrue();
        assertThat(line.reply().roundTrip()).isPositive();
        String pid = "PID " + line.reply().workerPid();
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> labelTexts(robot, "#echoReplies").containsAll(List.of(pid, "HELLO POOL")));
        assertThat(pane.session().state()).isEqualTo(ClientSession.State.CONNECTED);

        robot.clickOn("#echoText").write("你好, again").type(KeyCode.ENTER);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.echo().lines().size() == 2);
        assertThat(pane.echo().lines().get(1).reply().text()).isEqualTo("你好, AGAIN");
        assertThat(server.isWorkerPid(pane.echo().lines().get(1).reply().workerPid()))
                .isTrue();
    }

    // ---------------------------------------------------------------- connecting

    @Test
    void aWrongPasswordIsToldClearlyAndKeepsWhatWasTyped(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, "not the password");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> statusText(robot).contains("Wrong user name or password"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(pane.session().state()).isEqualTo(ClientSession.State.DISCONNECTED);
        assertThat(robot.lookup("#bannerText").queryAs(Label.class).getText()).contains("Wrong user name or password");
        assertThat(robot.lookup("#banner").query().isVisible()).isTrue();
        assertThat(robot.lookup("#user").queryTextInputControl().getText()).isEqualTo(TestServer.USER);
        assertThat(recents.list()).isEmpty();

        // The right one then works, and the server is remembered without its password.
        robot.interact(() -> robot.lookup("#password").queryTextInputControl().setText(TestServer.PASSWORD));
        robot.clickOn("#connect");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        assertThat(recents.list())
                .containsExactly(new RecentServers.Server("127.0.0.1", server.port(), TestServer.USER));
    }

    @Test
    void aRefusedConnectionIsToldClearly(FxRobot robot) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        robot.interact(() -> pane.target("127.0.0.1", closedPort));
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> statusText(robot).contains("Connection refused"));
        WaitForAsyncUtils.waitForFxEvents(); // the state changes after the status, in the same runnable
        assertThat(statusText(robot)).contains("127.0.0.1:" + closedPort);
        assertThat(pane.session().state()).isEqualTo(ClientSession.State.DISCONNECTED);
    }

    @Test
    void aDisconnectAskedForIsNotShownAsAFailure(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        robot.clickOn("#connect"); // Disconnect
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(pane.session().state()).isEqualTo(ClientSession.State.DISCONNECTED);
        assertThat(onFx(() -> List.copyOf(robot.lookup(".status-dot").query().getStyleClass())))
                .contains("status-dot")
                .doesNotContain("failed");
    }

    // ---------------------------------------------------------------- files and transfers

    @Test
    void anUploadedFileIsListedWithItsSizeAndDownloadsByteForByte(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        Path local = TestServer.randomFile(tmp, "report 2026.bin", 3_000_000, 7);
        chooser.upload = List.of(local);
        robot.clickOn("#upload");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("report 2026.bin") != null);
        assertThat(row("report 2026.bin").size()).isEqualTo(3_000_000);
        assertThat(queue()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(Transfer.State.DONE));
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> cellTexts(robot, "#files").containsAll(List.of("report 2026.bin", "2.9 MiB", "BIN file")));
        // The outcome is shown whole in the window's default size, and its tooltip says it too.
        String outcome = queue().get(0).message();
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> cellTexts(robot, "#transfers").contains(outcome));
        assertThat(onFx(() -> {
                    Labeled cell = statusCell(robot, outcome);
                    return List.of(
                            ((Text) cell.lookup(".text")).getText(),
                            cell.getTooltip().getText());
                }))
                .containsExactly(outcome, outcome);

        Path into = Files.createDirectories(tmp.resolve("downloads"));
        chooser.downloadTo = into;
        robot.interact(() -> table(robot).getSelectionModel().select(row("report 2026.bin")));
        robot.clickOn("#download");
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> queue().size() == 2 && queue().get(1).state() == Transfer.State.DONE);
        WaitForAsyncUtils.waitForFxEvents();
        Path back = into.resolve("report 2026.bin");
        assertThat(Files.mismatch(local, back)).isEqualTo(-1);
        assertThat(into.resolve("report 2026.bin" + DiskClient.PARTIAL_SUFFIX)).doesNotExist();
        assertThat(queue().get(1).message()).contains("verified");

        // Downloading again never overwrites what is already there.
        robot.clickOn("#download");
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> queue().size() == 3 && queue().get(2).state() == Transfer.State.DONE);
        assertThat(Files.mismatch(local, into.resolve("report 2026 (1).bin"))).isEqualTo(-1);
    }

    @Test
    void aFolderUploadsWithEverythingInIt(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        Path album = Files.createDirectories(tmp.resolve("album 照片/2026"));
        TestServer.randomFile(album, "a.jpg", 100_000, 1);
        TestServer.randomFile(album.getParent(), "b.txt", 10, 2);
        robot.interact(() -> pane.upload(List.of(album.getParent())));
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> queue().size() == 2 && queue().stream().allMatch(t -> t.state() == Transfer.State.DONE));
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> row("album 照片") != null && !pane.files().loadingProperty().get());
        // The table shows a new listing at its next layout pulse: wait for the cell before clicking it.
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> cellTexts(robot, "#files").contains("album 照片"));
        robot.doubleClickOn("album 照片");
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> pane.files().path().equals("/album 照片") && row("2026") != null && row("b.txt") != null);
        assertThat(row("2026").directory()).isTrue();
        robot.clickOn("#crumbRoot");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.files().path().equals("/"));
    }

    @Test
    void newFolderAndRenameAskForANameAndAConflictIsToldWithoutLosingAnything(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        robot.clickOn("#newFolder");
        DialogPane ask = waitForDialog(robot, "#newFolderDialog");
        robot.interact(() -> ((javafx.scene.control.TextField) ask.lookup(".text-field")).setText("Drafts 草稿"));
        robot.clickOn(ask.lookupButton(javafx.scene.control.ButtonType.OK));
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("Drafts 草稿") != null);

        robot.interact(() -> table(robot).getSelectionModel().select(row("Drafts 草稿")));
        robot.clickOn("#rename");
        DialogPane rename = waitForDialog(robot, "#renameDialog");
        robot.interact(() -> ((javafx.scene.control.TextField) rename.lookup(".text-field")).setText("Final"));
        robot.clickOn(rename.lookupButton(javafx.scene.control.ButtonType.OK));
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("Final") != null && row("Drafts 草稿") == null);

        // A second folder of that name: the server says 409, the banner says so, the listing stays.
        robot.clickOn("#newFolder");
        DialogPane again = waitForDialog(robot, "#newFolderDialog");
        robot.interact(() -> ((javafx.scene.control.TextField) again.lookup(".text-field")).setText("Final"));
        robot.clickOn(again.lookupButton(javafx.scene.control.ButtonType.OK));
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> pane.notifier().current() != null
                        && pane.notifier().current().level() == Notifier.Level.ERROR);
        assertThat(pane.notifier().current().text()).startsWith("Could not create folder Final: Conflict");
        assertThat(row("Final")).isNotNull();
    }

    @Test
    void deleteAsksFirstAndCancelKeepsTheFile(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        Path local = TestServer.randomFile(tmp, "doomed.txt", 1234, 3);
        robot.interact(() -> pane.upload(List.of(local)));
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("doomed.txt") != null);

        robot.interact(() -> table(robot).getSelectionModel().select(row("doomed.txt")));
        robot.clickOn("#delete");
        DialogPane dialog = waitForDialog(robot, "#deleteDialog");
        assertThat(dialog.getHeaderText()).isEqualTo("Delete \"doomed.txt\"?");
        robot.clickOn(dialog.lookupButton(javafx.scene.control.ButtonType.CANCEL));
        robot.clickOn("#refresh");
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> !pane.files().loadingProperty().get());
        assertThat(row("doomed.txt")).isNotNull();

        robot.interact(() -> table(robot).getSelectionModel().select(row("doomed.txt")));
        robot.clickOn("#delete");
        dialog = waitForDialog(robot, "#deleteDialog");
        robot.clickOn(dialog.lookupButton(FilesView.DELETE));
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("doomed.txt") == null);
        try (DiskClient c = loggedIn()) {
            assertThat(c.list("/")).extracting(RemoteEntry::name).doesNotContain("doomed.txt");
        }
    }

    @Test
    void anUploadWhoseWorkerIsKilledResumesAndEndsVerified(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        Path local = TestServer.randomFile(tmp, "big.bin", 48 * 1024 * 1024, 11);
        // Slow enough to catch in the middle: about three seconds for the whole file.
        robot.interact(() -> pane.transfers().speedLimitProperty().set(16L << 20));
        chooser.upload = List.of(local);
        robot.clickOn("#upload");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> {
            WorkerInfo w = server.uploadingWorker();
            return w != null && w.bytes() >= 4_000_000;
        });
        WorkerInfo victim = server.uploadingWorker();
        server.server.killWorker(victim.pid());

        Transfer t = queue().get(0);
        waitFor(90, TimeUnit.SECONDS, () -> t.state() == Transfer.State.DONE || t.state() == Transfer.State.FAILED);
        WaitForAsyncUtils.waitForFxEvents(); // the FX thread has finished the change that set the state
        assertThat(t.state()).as(t.message()).isEqualTo(Transfer.State.DONE);
        assertThat(t.attemptsProperty().get()).isGreaterThanOrEqualTo(2);
        assertThat(t.resumedAtProperty().get()).as("resumed, not restarted").isPositive();
        assertThat(t.message()).contains("verified").contains("resumed at");
        try (DiskClient c = loggedIn()) {
            Path back = c.download("/big.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(local, back)).isEqualTo(-1);
        }
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("big.bin") != null);
        assertThat(row("big.bin").size()).isEqualTo(48L * 1024 * 1024);
    }

    @Test
    void aCancelledDownloadKeepsItsPartAndRetryResumesIt(FxRobot robot) throws Exception {
        connectAs(robot, TestServer.USER, TestServer.PASSWORD);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> pane.session().loggedIn());
        Path local = TestServer.randomFile(tmp, "movie.bin", 24 * 1024 * 1024, 5);
        try (DiskClient c = loggedIn()) {
            c.upload(local, "/movie.bin", TransferListener.NONE);
        }
        robot.clickOn("#refresh");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> row("movie.bin") != null);
        Path into = Files.createDirectories(tmp.resolve("dl"));
        chooser.downloadTo = into;
        robot.interact(() -> pane.transfers().speedLimitProperty().set(8L << 20));
        robot.interact(() -> table(robot).getSelectionModel().select(row("movie.bin")));
        robot.clickOn("#download");
        Transfer t = queue().get(0);
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> t.doneProperty().get() >= 2_000_000);
        robot.clickOn(".transfer-cancel");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> t.state() == Transfer.State.CANCELLED);
        Path part = into.resolve("movie.bin" + DiskClient.PARTIAL_SUFFIX);
        assertThat(part).exists();
        assertThat(into.resolve("movie.bin")).doesNotExist();

        robot.interact(() -> pane.transfers().speedLimitProperty().set(0));
        // A table cell shows a new state at its next layout pulse, not when the state changes: wait for Retry.
        waitFor(
                PATIENCE,
                TimeUnit.SECONDS,
                () -> onFx(() -> robot.lookup(".transfer-retry").tryQuery().isPresent()));
        robot.clickOn(".transfer-retry");
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> t.state() == Transfer.State.DONE);
        assertThat(t.resumedAtProperty().get()).isPositive();
        assertThat(Files.mismatch(local, into.resolve("movie.bin"))).isEqualTo(-1);
        assertThat(part).doesNotExist();
    }

    // ---------------------------------------------------------------- helpers

    private void connectAs(FxRobot robot, String user, String password) {
        robot.interact(() -> {
            robot.lookup("#user").queryTextInputControl().setText(user);
            robot.lookup("#password").queryTextInputControl().setText(password);
        });
        robot.clickOn("#connect");
    }

    private DiskClient loggedIn() throws Exception {
        DiskClient c = DiskClient.connect("127.0.0.1", server.port());
        c.login(TestServer.USER, TestServer.PASSWORD.toCharArray());
        return c;
    }

    private String statusText(FxRobot robot) {
        return robot.lookup("#connectionStatus").queryAs(Label.class).getText();
    }

    @SuppressWarnings("unchecked")
    private TableView<RemoteEntry> table(FxRobot robot) {
        return (TableView<RemoteEntry>) robot.lookup("#files").queryAs(TableView.class);
    }

    /** The listed entry called {@code name}, or null; read on the FX thread, which changes the list. */
    private RemoteEntry row(String name) {
        return onFx(() -> pane.files().entries().stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElse(null));
    }

    /** The transfer queue as it is now, copied on the FX thread. */
    private List<Transfer> queue() {
        return onFx(() -> List.copyOf(pane.transfers().transfers()));
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> read) {
        try {
            return javafx.application.Platform.isFxApplicationThread()
                    ? read.call()
                    : WaitForAsyncUtils.asyncFx(read).get(PATIENCE, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> labelTexts(FxRobot robot, String under) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        return WaitForAsyncUtils.asyncFx(() -> robot.lookup(under).lookup(".label").queryAllAs(Label.class).stream()
                        .map(Label::getText)
                        .toList())
                .get();
    }

    /** The transfers table's cell that holds {@code text}; on the FX thread. */
    private static Labeled statusCell(FxRobot robot, String text) {
        return robot.lookup("#transfers").lookup(".table-cell").queryAll().stream()
                .map(n -> (Labeled) n)
                .filter(cell -> text.equals(cell.getText()))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> cellTexts(FxRobot robot, String under) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> robot.lookup(under).lookup(".table-cell").queryAll().stream()
                        .map(n -> ((javafx.scene.control.Labeled) n).getText())
                        .filter(java.util.Objects::nonNull)
                        .toList())
                .get();
    }

    private static DialogPane waitForDialog(FxRobot robot, String id) throws Exception {
        AtomicReference<DialogPane> found = new AtomicReference<>();
        waitFor(PATIENCE, TimeUnit.SECONDS, () -> {
            for (Window w : robot.listWindows()) {
                if (w.getScene() != null && w.getScene().getRoot().lookup(id) instanceof DialogPane d) {
                    found.set(d);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** Stands in for the desktop's file dialogs, which a headless test cannot click through. */
    static final class ScriptedChooser implements LocalChooser {
        volatile List<Path> upload = List.of();
        volatile Path folder;
        volatile Path downloadTo;

        @Override
        public List<Path> filesToUpload(Window owner) {
            return upload;
        }

        @Override
        public Path folderToUpload(Window owner) {
            return folder;
        }

        @Override
        public Path downloadFolder(Window owner, Path initial) {
            return downloadTo;
        }
    }
}
