package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.testfx.util.WaitForAsyncUtils.waitFor;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The console against the real engine: two workers on a free port, a fresh data directory. */
@ExtendWith(ApplicationExtension.class)
class ConsoleViewTest {

    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dataDir;

    private Stage stage;
    private PoolController controller;
    private ConsoleView view;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void stopServer(FxRobot robot) {
        if (controller != null) {
            robot.interact(view::close);
            controller.close();
        }
    }

    @Test
    void showsOneTilePerWorkerWithTheServersPids(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, 0);

        PseudoClass idle = PseudoClass.getPseudoClass("idle");
        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> tilePids(robot).equals(livePids(server))
                && tiles(robot).stream().allMatch(tile -> tile.getPseudoClassStates().contains(idle)));

        assertThat(tilePids(robot)).hasSize(2).isEqualTo(livePids(server));
        assertThat(tiles(robot)).hasSize(2);
        assertThat(robot.lookup("#address").queryAs(Label.class).getText())
                .isEqualTo("Listening on 127.0.0.1:" + server.address().getPort());
    }

    @Test
    void echoFromTheClientTabIsAnsweredByOneOfTheWorkers(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, 0);
        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> tilePids(robot).equals(livePids(server)));
        robot.clickOn("Client");

        String reply = echo(robot, "hello pool");

        Matcher matcher = echoReply("HELLO POOL").matcher(reply);
        assertThat(matcher.matches()).as("reply %s", reply).isTrue();
        assertThat(livePids(server)).contains(Integer.parseInt(matcher.group(1)));
    }

    @Test
    void theClientReconnectsWhenTheServerDropsItsSession(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, 0);
        robot.clickOn("Client");
        echo(robot, "one");

        server.snapshot().sessions().forEach(session -> server.kickSession(session.id()));
        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> server.snapshot().sessions().isEmpty());

        assertThat(echo(robot, "two")).matches(echoReply("TWO"));
    }

    @Test
    void aStartFailureShowsItsMessageInTheWindow(FxRobot robot) throws Exception {
        try (ServerSocket occupied = occupyAPort()) {
            show(robot, config(occupied.getLocalPort()));

            Label failure = robot.lookup("#startFailure").queryAs(Label.class);
            waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> !failure.getText().isEmpty());
            assertThat(failure.getText())
                    .contains("127.0.0.1:" + occupied.getLocalPort(), "in use")
                    .doesNotContain("\n", "Exception");
            assertThat(robot.lookup("#start").queryAs(Button.class).isDisabled()).isFalse();
            assertThat(controller.server()).isEmpty();
        }
    }

    @Test
    void afterAFailedStartTheStartButtonRunsTheServerOnceThePortIsFree(FxRobot robot) throws Exception {
        Label failure;
        try (ServerSocket occupied = occupyAPort()) {
            show(robot, config(occupied.getLocalPort()));
            failure = robot.lookup("#startFailure").queryAs(Label.class);
            waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> !failure.getText().isEmpty());
        }

        robot.clickOn("#start");

        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS,
                () -> controller.statusProperty().get() != PoolController.Status.STARTING);
        assertThat(failure.getText()).isEmpty();
        PoolServer server = controller.server().orElseThrow();
        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> tilePids(robot).equals(livePids(server)));
    }

    /** Types a line into the Client tab and returns the reply it lists. */
    private static String echo(FxRobot robot, String text) throws TimeoutException {
        ListView<String> replies = robot.lookup("#echoReplies").queryListView();
        int before = replies.getItems().size();
        robot.clickOn("#echoText").write(text).type(KeyCode.ENTER);
        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, () -> replies.getItems().size() > before);
        return replies.getItems().get(before);
    }

    /** A listed reply: the worker's PID, the text uppercased, the round-trip time. */
    private static Pattern echoReply(String upper) {
        return Pattern.compile("OK PROCESS\\[PID (\\d+)]: " + Pattern.quote(upper) + "  \\(\\d+\\.\\d ms\\)");
    }

    private PoolServer startAndAwaitServer(FxRobot robot, int port) throws Exception {
        show(robot, config(port));
        waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS,
                () -> controller.statusProperty().get() == PoolController.Status.RUNNING);
        return controller.server().orElseThrow();
    }

    private void show(FxRobot robot, PoolConfig config) {
        controller = new PoolController(config);
        robot.interact(() -> {
            view = new ConsoleView(controller);
            stage.setScene(new Scene(view, 1000, 680));
            stage.show();
            controller.start();
        });
    }

    private static ServerSocket occupyAPort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    private PoolConfig config(int port) {
        return PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .workers(2)
                .dataDir(dataDir)
                .build();
    }

    private static List<Node> tiles(FxRobot robot) {
        return robot.lookup(".worker-tile").queryAll().stream().filter(ConsoleViewTest::shown).toList();
    }

    /** The PIDs the visible tiles show, sorted. */
    private static List<Integer> tilePids(FxRobot robot) {
        return robot.lookup(".worker-pid").queryAllAs(Label.class).stream()
                .filter(ConsoleViewTest::shown)
                .map(label -> label.getText().replace("PID ", ""))
                .filter(text -> text.matches("\\d+"))
                .map(Integer::valueOf)
                .sorted()
                .toList();
    }

    /** The PIDs of the server's running workers, sorted. */
    private static List<Integer> livePids(PoolServer server) {
        return server.snapshot().workers().stream().map(WorkerInfo::pid).filter(pid -> pid != 0).sorted().toList();
    }

    /** Whether a node is in the scene and neither it nor a parent is hidden (as the grid's spare cells are). */
    private static boolean shown(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (!n.isVisible()) {
                return false;
            }
        }
        return node.getScene() != null;
    }
}
