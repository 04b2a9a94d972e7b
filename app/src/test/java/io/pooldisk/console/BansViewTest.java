package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.auth.Ban;
import io.pooldisk.pool.PoolServer;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The ban list under the sessions, against the real server's list (issue 15). */
class BansViewTest extends ConsoleTestBase {

    @Test
    void theListShowsABanAndUnbanLiftsIt(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        server.ban("10.1.2.3/8", Duration.ofHours(1), "port scan");
        robot.clickOn("#tabSessions");
        TableView<Ban> bans = robot.lookup("#bans").queryTableView();
        await(() -> bans.getItems().size() == 1);
        Ban shown = onFx(() -> bans.getItems().get(0));
        assertThat(shown.range()).hasToString("10.0.0.0/8");
        assertThat(shown.reason()).isEqualTo("port scan");
        assertThat(shown.source()).isEqualTo(Ban.Source.MANUAL);
        assertThat(robot.lookup("#bans").lookup("10.0.0.0/8").tryQuery()).isPresent();
        assertThat(robot.lookup("#bans").lookup("manual").tryQuery()).isPresent();

        robot.clickOn("10.0.0.0/8");
        robot.clickOn("#unban");
        await(() -> bans.getItems().isEmpty());
        assertThat(server.bans()).isEmpty();
        assertThat(label(robot, "#bansOutcome")).isEqualTo("lifted the ban on 10.0.0.0/8");
    }

    @Test
    void banningTheConsolesOwnAddressWarnsAndWantsAnExplicitYes(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, lingeringConfig());
        robot.clickOn("#tabSessions");
        TableView<SessionRow> sessions = robot.lookup("#sessions").queryTableView();
        try (Socket client = openSession(server)) {
            await(() -> sessions.getItems().size() == 1);
            SessionRow row = onFx(() -> sessions.getItems().get(0));
            robot.clickOn(row.client());
            robot.clickOn("#banAddress");
            DialogPane dialog = dialog(robot);
            assertThat(dialog.getHeaderText()).isEqualTo("Ban 127.0.0.1?");
            assertThat(shown(robot.lookup("#banOwnClientWarning").query())).isTrue();
            assertThat(robot.lookup("#banOwnClientWarning").queryAs(Label.class).getText())
                    .contains("the console's own client");
            Button ban = robot.lookup("#confirmBan").queryButton();
            assertThat(ban.isDisabled()).as("not without the explicit yes").isTrue();
            ChoiceBox<BanDialog.Length> length = robot.lookup("#banLength").queryAs(ChoiceBox.class);
            robot.interact(() -> length.setValue(BanDialog.LENGTHS[0]));
            robot.clickOn("#banReason").write("testing");
            robot.clickOn("#banOwnClientConfirm");
            assertThat(robot.lookup("#banOwnClientConfirm")
                            .queryAs(CheckBox.class)
                            .isSelected())
                    .isTrue();
            assertThat(ban.isDisabled()).isFalse();
            robot.clickOn("#confirmBan");

            TableView<Ban> bans = robot.lookup("#bans").queryTableView();
            await(() -> bans.getItems().size() == 1);
            Ban made = server.bans().get(0);
            assertThat(made.range()).hasToString("127.0.0.1");
            assertThat(made.reason()).isEqualTo("testing");
            assertThat(Duration.between(made.since(), made.until())).isEqualTo(Duration.ofMinutes(10));
            assertThat(client.getInputStream().read())
                    .as("its session was closed")
                    .isEqualTo(-1);
            await(() -> sessions.getItems().isEmpty());
        }
    }

    @Test
    void addBanTakesANetworkAndSaysWhatIsWrongWithABadOne(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        robot.clickOn("#tabSessions");
        robot.clickOn("#addBan");
        dialog(robot);
        Button ban = robot.lookup("#confirmBan").queryButton();
        assertThat(ban.isDisabled()).as("nothing typed yet").isTrue();
        robot.clickOn("#banTarget").write("10.0.0.0/33");
        assertThat(robot.lookup("#banProblem").queryAs(Label.class).getText())
                .isEqualTo("/33 is too long for an IPv4 network: the prefix length is 0-32");
        assertThat(ban.isDisabled()).isTrue();
        robot.interact(() -> robot.lookup("#banTarget").queryTextInputControl().setText("2001:db8::/32"));
        assertThat(shown(robot.lookup("#banOwnClientWarning").query())).isFalse();
        ChoiceBox<BanDialog.Length> length = robot.lookup("#banLength").queryAs(ChoiceBox.class);
        robot.interact(() -> length.setValue(BanDialog.LENGTHS[3]));
        robot.clickOn("#confirmBan");

        TableView<Ban> bans = robot.lookup("#bans").queryTableView();
        await(() -> bans.getItems().size() == 1);
        assertThat(server.bans()).singleElement().satisfies(b -> {
            assertThat(b.range()).hasToString("2001:db8::/32");
            assertThat(b.permanent()).isTrue();
        });
        await(() -> label(robot, "#bansOutcome").equals("banned 2001:db8::/32 permanently"));
        assertThat(robot.lookup("#bans").lookup("permanent").tryQuery()).isPresent();
    }

    private static DialogPane dialog(FxRobot robot) throws Exception {
        await(() -> robot.lookup("#banDialog").tryQuery().isPresent());
        return robot.lookup("#banDialog").queryAs(DialogPane.class);
    }

    private static String label(FxRobot robot, String id) {
        return onFx(
                () -> Optional.ofNullable(robot.lookup(id).queryAs(Label.class).getText())
                        .orElse(""));
    }
}
