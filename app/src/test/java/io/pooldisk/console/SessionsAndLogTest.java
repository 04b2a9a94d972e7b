package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Sessions and Log tabs against the real engine. */
class SessionsAndLogTest extends ConsoleTestBase {

    @Test
    void aSessionAppearsInTheTableAndKickingItClosesTheClient(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabSessions");
        TableView<SessionRow> table = robot.lookup("#sessions").queryTableView();

        try (Socket client = openSession(server)) {
            int port = client.getLocalPort();
            await(() -> row(table, port).isPresent());
            SessionRow row = onFx(() -> row(table, port).orElseThrow()); // the FX thread changes the rows
            assertThat(row.host()).isEqualTo("127.0.0.1");
            assertThat(row.whereProperty().get()).matches("parked|PID \\d+");

            robot.clickOn(row.client());
            robot.clickOn("#kickSession");

            assertThat(readUntilClosed(client)).isTrue();
            await(() -> row(table, port).isEmpty());
        }
    }

    @Test
    void theLogShowsAHandOff(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabLog");
        ComboBox<PoolEvent.Level> level = robot.lookup("#logLevel").queryComboBox();
        robot.interact(() -> level.setValue(PoolEvent.Level.DEBUG));
        TableView<PoolEvent> log = robot.lookup("#log").queryTableView();

        try (Socket client = openSession(server)) {
            await(() -> log.getItems().stream().anyMatch(event -> event.kind() == PoolEvent.Kind.HANDOFF));
        }
        robot.clickOn("#logFilter").write("no such text anywhere");
        await(() -> log.getItems().isEmpty());
    }

    /** The row of the session from a local port ("127.0.0.1:port", or the engine's "[127.0.0.1]:port"). */
    private static Optional<SessionRow> row(TableView<SessionRow> table, int port) {
        return table.getItems().stream()
                .filter(row -> row.client().endsWith(":" + port))
                .findFirst();
    }

    /** True once the server has closed the connection (end of stream or reset). */
    private static boolean readUntilClosed(Socket client) {
        try {
            while (client.getInputStream().read() >= 0) {
                // the server may still send a line before it closes
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
