package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.Accounts.UserInfo;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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

    private TableView<UserInfo> table;
    private Label outcome;

    /** Starts the server and shows the Users tab. */
    private PoolServer openUsersTab(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabUsers");
        table = robot.lookup("#users").queryTableView();
        outcome = robot.lookup("#usersOutcome").queryAs(Label.class);
        return server;
    }

    @Test
    void addsChangesAndRemovesAUser(FxRobot robot) throws Exception {
        openUsersTab(robot);

        robot.clickOn("#userName")
                .write("alice")
                .clickOn("#userPassword")
                .write("correct horse")
                .clickOn("#userPasswordAgain")
                .write("correct horse")
                .clickOn("#userQuota")
                .write("100M")
                .clickOn("#addUser");
        await(() -> !outcome.getText().isEmpty());
        assertThat(outcome.getText()).isEqualTo("added alice");
        await(() -> user(table, "alice").map(UserInfo::quotaBytes).equals(Optional.of(100 * MIB)));
        assertThat(stored()).extracting(UserInfo::name).containsExactly("alice");
        await(() -> cellTexts(robot).contains("100.0 MiB"));

        robot.clickOn("#addUser");
        assertThat(robot.lookup("#addUser").queryButton().isDisabled())
                .as("password cleared after adding")
                .isTrue();
        typePasswords(robot, "again and again", "again and again");
        robot.clickOn("#addUser");
        await(() -> outcome.getText().contains("alice exists"));

        robot.clickOn(robot.from(table)
                .lookup((Labeled cell) -> "alice".equals(cell.getText()))
                .queryLabeled());
        assertThat(robot.lookup("#userQuota").queryTextInputControl().getText())
                .as("the quota in the units it is typed in")
                .isEqualTo("100 MiB");
        typeInto(robot, "#userQuota", "1.5G");
        robot.clickOn("#setQuota");
        await(() -> user(table, "alice").map(UserInfo::quotaBytes).equals(Optional.of(3 * 512 * MIB)));
        assertThat(stored()).extracting(UserInfo::quotaBytes).containsExactly(3 * 512 * MIB);
        await(() -> outcome.getText().equals("set the quota of alice to 1.5 GiB"));

        typeInto(robot, "#userQuota", "lots");
        robot.clickOn("#setQuota");
        await(() -> outcome.getText().startsWith("failed: a quota 'lots' is not a size"));
        assertThat(stored()).extracting(UserInfo::quotaBytes).containsExactly(3 * 512 * MIB);

        robot.clickOn("#removeUser");
        await(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        robot.clickOn(robot.lookup(".dialog-pane").queryAs(DialogPane.class).lookupButton(ButtonType.OK));
        await(() -> table.getItems().isEmpty());
        assertThat(stored()).isEmpty();
    }

    @Test
    void aPasswordNeedsEightCharactersTypedTwiceTheSame(FxRobot robot) throws Exception {
        openUsersTab(robot);

        typeInto(robot, "#userName", "bob");
        typePasswords(robot, "x", "x");
        robot.clickOn("#addUser");
        await(() -> outcome.getText().equals("failed: a password needs at least 8 characters"));
        typePasswords(robot, "long enough 1", "long enough 2");
        robot.clickOn("#addUser");
        await(() -> outcome.getText().startsWith("failed: the two passwords differ"));
        assertThat(stored()).isEmpty();

        typeInto(robot, "#userPasswordAgain", "long enough 1");
        robot.clickOn("#addUser");
        await(() -> outcome.getText().equals("added bob"));
        await(() -> user(table, "bob").isPresent());
        assertThat(robot.lookup("#userPasswordAgain").queryTextInputControl().getText())
                .isEmpty();

        robot.interact(() -> table.getSelectionModel().select(user(table, "bob").orElseThrow()));
        typePasswords(robot, "short", "short");
        robot.clickOn("#setPassword");
        await(() -> outcome.getText().equals("failed: a password needs at least 8 characters"));
        typePasswords(robot, "a better one", "a better one");
        robot.clickOn("#setPassword");
        await(() -> outcome.getText().equals("changed the password of bob"));
    }

    @Test
    void aQuotaBelowWhatTheUserStoresIsSetOnlyAfterAskingAndWithAWarning(FxRobot robot) throws Exception {
        PoolServer server = openUsersTab(robot);
        try (DiskStore store = DiskStore.open(dataDir)) {
            Accounts.of(store).add("carol", "correct horse".toCharArray(), 0);
        }
        byte[] bytes = new byte[3 * (int) MIB];
        new Random(3).nextBytes(bytes);
        Path local = Files.write(dataDir.resolveSibling(dataDir.getFileName() + "-three.bin"), bytes);
        try (DiskClient carol = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            carol.login("carol", "correct horse".toCharArray());
            carol.upload(local, "/three.bin", TransferListener.NONE);
        } finally {
            Files.delete(local);
        }
        robot.clickOn("#refreshUsers");
        await(() -> user(table, "carol").map(UserInfo::usedBytes).equals(Optional.of(3 * MIB)));
        robot.interact(
                () -> table.getSelectionModel().select(user(table, "carol").orElseThrow()));

        typeInto(robot, "#userQuota", "1M");
        robot.clickOn("#setQuota");
        DialogPane ask = dialog(robot, "#quotaBelowUseDialog");
        assertThat(ask.getContentText())
                .contains("carol stores 3.0 MiB already, more than 1.0 MiB")
                .contains("until they remove 2.0 MiB");
        robot.clickOn(ask.lookupButton(ButtonType.CANCEL));
        assertThat(stored()).extracting(UserInfo::quotaBytes).containsExactly(0L);

        robot.clickOn("#setQuota");
        robot.clickOn(dialog(robot, "#quotaBelowUseDialog").lookupButton(ButtonType.OK));
        await(() -> outcome.getText().startsWith("set the quota of carol to 1.0 MiB; warning: carol stores 3.0 MiB"));
        assertThat(stored()).extracting(UserInfo::quotaBytes).containsExactly(MIB);
    }

    /** The password, and again in the confirmation field. */
    private static void typePasswords(FxRobot robot, String password, String again) {
        typeInto(robot, "#userPassword", password);
        typeInto(robot, "#userPasswordAgain", again);
    }

    private static void typeInto(FxRobot robot, String field, String text) {
        robot.interact(() -> robot.lookup(field).queryTextInputControl().clear());
        robot.clickOn(field).write(text);
    }

    private static DialogPane dialog(FxRobot robot, String id) throws Exception {
        await(() -> robot.lookup(id).tryQuery().isPresent());
        return robot.lookup(id).queryAs(DialogPane.class);
    }

    private static List<String> cellTexts(FxRobot robot) {
        return robot.lookup("#users").lookup(".table-cell").queryAll().stream()
                .map(n -> ((Labeled) n).getText())
                .filter(java.util.Objects::nonNull)
                .toList();
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
