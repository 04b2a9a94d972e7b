package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pooldisk.client.DiskClient;
import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolServer;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Log tab's AUDIT kind against the real engine: a user added in the Users tab, a client's login. */
class AuditLogViewTest extends ConsoleTestBase {

    @Test
    void theKindFilterShowsOnlyAuditRecordsAndTheEmptyTableSaysTheFilterHidesTheRest(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabLog");
        ComboBox<String> kind = robot.lookup("#logKind").queryComboBox();
        TableView<PoolEvent> log = robot.lookup("#log").queryTableView();
        Label empty = robot.lookup("#logEmpty").queryAs(Label.class);
        assertThat(kind.getItems()).contains("audit", LogView.ALL_KINDS);

        robot.interact(() -> kind.setValue("audit"));
        await(() -> log.getItems().isEmpty()
                && empty.getText().matches("No events match the filter \\([1-9]\\d* hidden\\)"));

        robot.clickOn("#tabUsers")
                .clickOn("#userName")
                .write("alice")
                .clickOn("#userPassword")
                .write("correct horse")
                .clickOn("#userPasswordAgain")
                .write("correct horse")
                .clickOn("#addUser");
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            c.login("alice", "correct horse".toCharArray());
        }
        robot.clickOn("#tabLog");
        await(() -> log.getItems().stream()
                        .anyMatch(e -> e.message().startsWith("user.add alice")
                                && e.message().contains("via console: success"))
                && log.getItems().stream().anyMatch(e -> e.message().startsWith("login alice from 127.0.0.1:")));
        assertThat(onFx(() ->
                        log.getItems().stream().map(PoolEvent::kind).distinct().toList()))
                .containsExactly(PoolEvent.Kind.AUDIT);

        robot.interact(() -> kind.setValue(LogView.ALL_KINDS));
        await(() -> log.getItems().stream().anyMatch(e -> e.kind() != PoolEvent.Kind.AUDIT));

        // The Users tab's change went through the running server to its audit.log, as JSON.
        Path audit = dataDir.resolve("audit.log");
        ObjectMapper json = new ObjectMapper();
        await(() -> Files.exists(audit)
                && Files.readAllLines(audit).stream()
                        .map(line -> readTree(json, line))
                        .anyMatch(line -> line.get("event").asText().equals("user.add")
                                && line.get("via").asText().equals("console")));
    }

    @Test
    void theEmptyTableSaysWhetherNothingCameOrTheFilterHidesIt() {
        assertThat(LogView.emptyText(0, 0)).isEqualTo("No events yet");
        assertThat(LogView.emptyText(12, 12)).isEqualTo("No events match the filter (12 hidden)");
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
