package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolServer;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.control.DialogPane;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** Closing the window while the server it runs has sessions open asks first: stop, keep running headless, cancel. */
class CloseGuardTest extends ConsoleTestBase {

    private final AtomicReference<PoolServer> kept = new AtomicReference<>();

    @BeforeEach
    void keepTheToolkitWhenTheWindowCloses() {
        Platform.setImplicitExit(false);
    }

    @AfterEach
    void stopTheKeptServer() {
        if (kept.get() != null) {
            kept.get().close();
        }
    }

    @Test
    void cancelKeepsTheWindowAndStopStopsTheServer(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, lingeringConfig());
        robot.interact(() -> CloseGuard.install(stage, controller, kept::set));
        try (Socket session = openSession(server)) {
            await(() -> controller.openSessions() == 1);

            requestClose();
            await(() -> robot.lookup("#closeDialog").tryQuery().isPresent());
            assertThat(robot.lookup("#closeDialog").queryAs(DialogPane.class).getHeaderText())
                    .isEqualTo("1 session is open. Stop the server, keep it running headless, or cancel?");
            robot.clickOn("#closeCancel");
            await(() -> robot.lookup("#closeDialog").tryQuery().isEmpty());
            assertThat(onFx(stage::isShowing)).isTrue();
            assertThat(server.isRunning()).isTrue();

            requestClose();
            await(() -> robot.lookup("#closeDialog").tryQuery().isPresent());
            robot.clickOn("#closeStop");
            await(() -> !stage.isShowing());
            assertThat(server.awaitTermination(Duration.ofSeconds(TIMEOUT_SECONDS)))
                    .as("stopped")
                    .isTrue();
            assertThat(reader(session).readLine()).as("its session ended").isNull();
            assertThat(kept.get()).isNull();
        }
    }

    @Test
    void keepRunningHeadlessLeavesTheServerServingAfterTheWindowClosed(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, lingeringConfig());
        robot.interact(() -> CloseGuard.install(stage, controller, kept::set));
        try (Socket session = openSession(server)) {
            await(() -> controller.openSessions() == 1);

            requestClose();
            await(() -> robot.lookup("#closeDialog").tryQuery().isPresent());
            robot.clickOn("#closeKeep");
            await(() -> !stage.isShowing());
            assertThat(kept.get()).isSameAs(server);

            robot.interact(view::close);
            controller.close();
            controller = null;
            assertThat(server.isRunning())
                    .as("the console's close left it running")
                    .isTrue();
            session.getOutputStream().write("ECHO still\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(reader(session).readLine())
                    .as("the open session goes on")
                    .contains("STILL");
            try (Socket newcomer = openSession(server)) {
                assertThat(newcomer.isConnected()).as("a new client is served").isTrue();
            }
        }
    }

    @Test
    void withoutSessionsTheWindowClosesWithoutAsking(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.interact(() -> CloseGuard.install(stage, controller, kept::set));
        requestClose();
        await(() -> !stage.isShowing());
        assertThat(robot.lookup("#closeDialog").tryQuery()).isEmpty();
        assertThat(server.isRunning())
                .as("stopped by the application's stop(), as before")
                .isTrue();
    }

    /** What the window manager sends when the person closes the window; not waited for, as it may open a dialog. */
    private void requestClose() {
        Platform.runLater(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
    }
}
