package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.client.EchoReply;
import io.pooldisk.clientgui.EchoModel;
import io.pooldisk.pool.PoolServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The window as a whole: start, stop, failures, shortcuts and the Client tab. */
class ConsoleViewTest extends ConsoleTestBase {

    @Test
    void aStartFailureShowsItsMessageInTheWindow(FxRobot robot) throws Exception {
        try (ServerSocket occupied = occupyAPort()) {
            show(robot, config(occupied.getLocalPort()));

            Label failure = robot.lookup("#startFailure").queryAs(Label.class);
            await(() -> !failure.getText().isEmpty());
            assertThat(failure.getText())
                    .contains("127.0.0.1:" + occupied.getLocalPort(), "in use")
                    .doesNotContain("\n", "Exception");
            assertThat(shown(robot.lookup("#failureBanner").query())).isTrue();
            assertThat(robot.lookup("#start").queryAs(Button.class).isDisabled())
                    .isFalse();
            assertThat(controller.server()).isEmpty();
        }
    }

    @Test
    void afterAFailedStartTheStartButtonRunsTheServerOnceThePortIsFree(FxRobot robot) throws Exception {
        Label failure;
        try (ServerSocket occupied = occupyAPort()) {
            show(robot, config(occupied.getLocalPort()));
            failure = robot.lookup("#startFailure").queryAs(Label.class);
            await(() -> !failure.getText().isEmpty());
        }

        robot.clickOn("#start");

        await(() -> controller.statusProperty().get() == PoolController.Status.RUNNING);
        assertThat(failure.getText()).isEmpty();
        assertThat(shown(robot.lookup("#failureBanner").query())).isFalse();
        PoolServer server = controller.server().orElseThrow();
        await(() -> tilePids(robot).equals(livePids(server)));
    }

    @Test
    void aServerThatStopsByItselfIsNoticed(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));

        server.requestFastStop();

        Label failure = robot.lookup("#startFailure").queryAs(Label.class);
        await(() -> controller.statusProperty().get() == PoolController.Status.STOPPED
                && failure.getText().startsWith("the server stopped by itself"));
        assertThat(robot.lookup("#address").queryAs(Label.class).getText()).isEqualTo("Stopped");
        // The grid drops its tiles at its next layout pulse, after the change that cleared the workers.
        await(() -> tiles(robot).isEmpty());
        assertThat(robot.lookup("#start").queryAs(Button.class).isDisabled()).isFalse();
    }

    @Test
    void shortcutsStopAndStartTheServerAndPickTabs(FxRobot robot) throws Exception {
        startAndAwaitServer(robot, config(0));

        robot.press(KeyCode.SHIFT).type(KeyCode.F5).release(KeyCode.SHIFT);
        await(() -> controller.statusProperty().get() == PoolController.Status.STOPPED);
        assertThat(controller.failureProperty().get()).isEmpty();
        robot.type(KeyCode.F5);
        await(() -> controller.statusProperty().get() == PoolController.Status.RUNNING);

        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT3).release(KeyCode.CONTROL);
        assertThat(view.tabs().getSelectionModel().getSelectedItem().getText()).isEqualTo("Log");
        robot.press(KeyCode.CONTROL).type(KeyCode.DIGIT1).release(KeyCode.CONTROL);
        assertThat(view.tabs().getSelectionModel().getSelectedItem().getText()).isEqualTo("Pool");
    }

    @Test
    void echoFromTheClientTabIsAnsweredByOneOfTheWorkers(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabClient");

        String reply = echo(robot, "hello pool");

        Matcher matcher = echoReply("HELLO POOL").matcher(reply);
        assertThat(matcher.matches()).as("reply %s", reply).isTrue();
        assertThat(livePids(server)).contains(Integer.parseInt(matcher.group(1)));

        // A long reply, and one in Chinese, are shown whole: on more lines, never cut with an ellipsis.
        String longer = "hello pool, this line is longer than the echo pane is wide: 你好，世界";
        assertThat(echo(robot, longer)).endsWith(longer.toUpperCase(java.util.Locale.ROOT));
        await(() -> robot.lookup("#echoed").queryAllAs(Label.class).stream()
                .anyMatch(label -> label.getText().startsWith("HELLO POOL, THIS")));
        for (Label echoed : robot.lookup("#echoed").queryAllAs(Label.class)) {
            assertThat(onFx(() -> shownText(echoed))).isEqualTo(echoed.getText());
        }
    }

    /** What a label's skin draws: its text, or less of it with an ellipsis when it does not fit. */
    private static String shownText(Label label) {
        return label.lookupAll(".text").stream()
                .filter(Text.class::isInstance)
                .map(node -> ((Text) node).getText())
                .findFirst()
                .orElse("");
    }

    @Test
    void theClientReconnectsWhenTheServerDropsItsSession(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabClient");
        echo(robot, "one");

        Label status = robot.lookup("#connectionStatus").queryAs(Label.class);
        Node dot = robot.lookup(".status-dot").query();
        await(() ->
                status.getText().startsWith("Connected") && dot.getStyleClass().contains("connected"));
        server.snapshot().sessions().forEach(session -> server.kickSession(session.id()));
        await(() -> server.snapshot().sessions().isEmpty());
        // The tab sees it without a command: disconnected, and red.
        await(() -> status.getText().startsWith("Disconnected")
                && dot.getStyleClass().contains("failed"));

        assertThat(echo(robot, "two")).matches(echoReply("TWO"));
        await(() ->
                status.getText().startsWith("Connected") && dot.getStyleClass().contains("connected"));
    }

    /** Types a line into the Client tab and returns the reply it lists, as "PID <pid>: <TEXT>". */
    private static String echo(FxRobot robot, String text) throws TimeoutException {
        ListView<EchoModel.Line> replies = robot.lookup("#echoReplies").queryListView();
        int before = replies.getItems().size();
        robot.clickOn("#echoText").write(text).type(KeyCode.ENTER);
        await(() -> replies.getItems().size() > before
                && replies.getItems().get(before).reply() != null);
        EchoReply reply = replies.getItems().get(before).reply();
        return "PID " + reply.workerPid() + ": " + reply.text();
    }

    /** A listed reply: the worker's PID and the text uppercased. */
    private static Pattern echoReply(String upper) {
        return Pattern.compile("PID (\\d+): " + Pattern.quote(upper));
    }

    private static ServerSocket occupyAPort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }
}
