package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.Accounts.UserInfo;
import io.pooldisk.disk.DiskStore;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Users tab against the real accounts of the running server's data directory. */
class UsersViewTest extends ConsoleTestBase {

    private static final long MIB = 1024 * 1024;

    @Test
    void addsChangesAndRemovesAUser(FxRobot robot) throws Exception {
        startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabUsers");
        TableView<UserInfo> table = robot.lookup("#users").queryTableView();
        Label outcome = robot.lookup("#usersOutcome").queryAs(Label.class);

        robot.clickOn("#userName")
                .write("alice")
                .clickOn("#userPassword")
                .write("correct horse")
                .clickOn("#userQuota")
                .write("100")
                .clickOn("#addUser");
        await(() -> !outcome.getText().isEmpty());
        assertThat(outcome.getText()).isEqualTo("added alice");
        await(() -> user(table, "alice").map(UserInfo::quotaBytes).equals(Optional.of(100 * MIB)));
        assertThat(stored()).extracting(UserInfo::name).containsExactly("alice");

        robot.clickOn("#addUser");
        assertThat(robot.lookup("#addUser").queryButton().isDisabled())
                .as("password cleared after adding")
                .isTrue();
        robot.clickOn("#userPassword").write("again").clickOn("#addUser");
        await(() -> outcome.getText().contains("alice exists"));

        robot.clickOn(robot.from(table)
                        .lookup((Labeled cell) -> "alice".equals(cell.getText()))
                        .queryLabeled())
                .doubleClickOn("#userQuota")
                .write("5")
                .clickOn("#setQuota");
        await(() -> user(table, "alice").map(UserInfo::quotaBytes).equals(Optional.of(5 * MIB)));
        assertThat(stored()).extracting(UserInfo::quotaBytes).containsExactly(5 * MIB);

        robot.clickOn("#removeUser");
        await(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        robot.clickOn(robot.lookup(".dialog-pane").queryAs(DialogPane.class).lookupButton(ButtonType.OK));
        await(() -> table.getItems().isEmpty());
        assertThat(stored()).isEmpty();
    }

    private List<UserInfo> stored() throws Exception {
        try (DiskStore store = DiskStore.open(dataDir)) {
            return Accounts.of(store).list();
        }
    }

    private static Optional<UserInfo> user(TableView<UserInfo> table, String name) {
        return table.getItems().stream()
                .filter(user -> user.name().equals(name))
                .findFirst();
    }
}
