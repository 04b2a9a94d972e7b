package io.pooldisk.console;

import io.pooldisk.pool.PoolServer;
import java.util.function.Consumer;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * Asks before the window closes while the server it runs has sessions open: "N sessions are open. Stop the server,
 * keep it running headless, or cancel?" Stop lets the window close and stops the server; keep running hands the
 * server to {@code keepHeadless} (the console's process goes on as a headless server, see {@link HeadlessServer});
 * Cancel keeps the window. A console attached to a server, or whose server has no session, closes without asking,
 * and never stops an attached server.
 */
final class CloseGuard {

    static final ButtonType STOP = new ButtonType("Stop the server", ButtonBar.ButtonData.OTHER);
    static final ButtonType KEEP = new ButtonType("Keep running headless", ButtonBar.ButtonData.OK_DONE);

    private CloseGuard() {}

    static void install(Stage stage, PoolController controller, Consumer<PoolServer> keepHeadless) {
        stage.setOnCloseRequest(event -> onCloseRequest(event, stage, controller, keepHeadless));
    }

    private static void onCloseRequest(
            WindowEvent event, Stage stage, PoolController controller, Consumer<PoolServer> keepHeadless) {
        int sessions = controller.openSessions();
        if (!controller.runsInProcess() || sessions == 0) {
            return;
        }
        ButtonType choice = ask(stage, sessions);
        if (choice == STOP) {
            controller.stop();
        } else if (choice == KEEP) {
            controller.keepRunningHeadless().ifPresent(keepHeadless);
        } else {
            event.consume();
        }
    }

    private static ButtonType ask(Stage stage, int sessions) {
        Alert alert = new Alert(
                Alert.AlertType.CONFIRMATION,
                "Stopping ends them. Kept running headless, the server goes on serving without this window (stop it "
                        + "with SIGTERM, or attach a console to it again with --attach).",
                STOP,
                KEEP,
                ButtonType.CANCEL);
        alert.setTitle("Close the console");
        alert.setHeaderText(Format.count(sessions, "session") + (sessions == 1 ? " is" : " are")
                + " open. Stop the server, keep it running headless, or cancel?");
        alert.initOwner(stage);
        alert.getDialogPane().setId("closeDialog");
        alert.getDialogPane().lookupButton(STOP).setId("closeStop");
        alert.getDialogPane().lookupButton(KEEP).setId("closeKeep");
        alert.getDialogPane().lookupButton(ButtonType.CANCEL).setId("closeCancel");
        ((Button) alert.getDialogPane().lookupButton(KEEP)).setDefaultButton(false);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        return alert.showAndWait().orElse(ButtonType.CANCEL);
    }
}
