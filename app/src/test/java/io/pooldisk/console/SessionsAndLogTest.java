package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.Accounts;
import io.pooldisk.client.DiskClient;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolServer;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Sessions and Log tabs against the real engine. */
class SessionsAndLogTest extends ConsoleTestBase {

    @Test
    void aSessionAppearsInTheTableAndKickingItClosesTheClient(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, lingeringConfig());
        try (DiskStore store = DiskStore.open(dataDir)) {
            Accounts.of(store).add("ann", "pw".toCharArray(), 0);
        }
        robot.clickOn("#tabSessions");
        TableView<SessionRow> table = robot.lookup("#sessions").queryTableView();

        try (Socket other = openSession(server);
                DiskClient ann =
                        DiskClient.connect("127.0.0.1", server.address().getPort())) {
            ann.login("ann", "pw".toCharArray());
            // In its worker (which lingers with it), the session shows its user already.
            await(() -> user(table, "ann")
                    .filter(row -> row.whereProperty().get().startsWith("PID "))
                    .isPresent());
            await(() -> row(table, other.getLocalPort()).isPresent());
            await(() -> label(robot, "#statusSessions").equals("2 sessions"));
            SessionRow row = onFx(() -> user(table, "ann").orElseThrow()); // the FX thread changes the rows
            assertThat(row.host()).isEqualTo("127.0.0.1");

            robot.clickOn(row.client());
            robot.clickOn("#kickSession");
            DialogPane dialog = robot.lookup("#confirmSession").queryAs(DialogPane.class);
            assertThat(dialog.getHeaderText()).isEqualTo("Kick session " + row.id() + "?");
            assertThat(dialog.getContentText()).contains(row.client(), "user ann");
            robot.clickOn("Cancel");
            assertThat(server.snapshot().sessions()).hasSize(2);
            assertThat(table.getSelectionModel().getSelectedItem()).isSameAs(row);

            robot.clickOn("#kickSession");
            robot.clickOn("#confirmAction");

            await(() -> user(table, "ann").isEmpty());
            await(() -> label(robot, "#statusSessions").equals("1 session"));
            // The selection does not move on to the next session, which a second click would kick.
            assertThat(onFx(() -> table.getSelectionModel().getSelectedItems())).isEmpty();
            assertThat(server.snapshot().sessions())
                    .singleElement()
                    .satisfies(left -> assertThat(left.client()).endsWith(":" + other.getLocalPort()));
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

    private static Optional<SessionRow> user(TableView<SessionRow> table, String user) {
        return table.getItems().stream()
                .filter(row -> user.equals(row.userProperty().get()))
                .findFirst();
    }

    private static String label(FxRobot robot, String id) {
        return onFx(() -> robot.lookup(id).queryAs(Label.class).getText());
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
