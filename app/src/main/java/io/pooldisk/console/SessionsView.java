package io.pooldisk.console;

import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Orientation;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The Sessions tab, FileZilla-style: who is connected, where their session is, what it moved; kick, or ban for a
 * length asked for; under it the ban list ({@link BansView}).
 */
final class SessionsView extends BorderPane {

    private final PoolController controller;
    private final TableView<SessionRow> table;
    private final BansView bans;

    SessionsView(PoolController controller, BansModel bansModel) {
        this.controller = controller;
        this.bans = new BansView(bansModel);
        table = new TableView<>(controller.model().sessions().rows());
        table.setId("sessions");
        table.setPlaceholder(new Label("No open sessions"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Client", 170, row -> new ReadOnlyObjectWrapper<>(row.client())));
        table.getColumns().add(column("User", 100, SessionRow::userProperty));
        table.getColumns().add(column("Worker", 100, SessionRow::whereProperty));
        table.getColumns()
                .add(column("Since", 80, row -> new ReadOnlyObjectWrapper<>(Format.CLOCK.format(row.since()))));
        table.getColumns()
                .add(column(
                        "In",
                        90,
                        row -> Bindings.createStringBinding(
                                () -> Format.bytes(row.bytesInProperty().get()), row.bytesInProperty())));
        table.getColumns()
                .add(column(
                        "Out",
                        90,
                        row -> Bindings.createStringBinding(
                                () -> Format.bytes(row.bytesOutProperty().get()), row.bytesOutProperty())));
        table.getColumns()
                .add(column(
                        "Speed",
                        90,
                        row -> Bindings.createStringBinding(
                                () -> Format.rate(row.speedProperty().get()), row.speedProperty())));
        table.setRowFactory(view -> rowWithMenu());
        setTop(toolbar());
        SplitPane split = new SplitPane(table, bans);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        setCenter(split);
    }

    private ToolBar toolbar() {
        Button kick = new Button("Kick", new FontIcon(Feather.USER_X));
        kick.setId("kickSession");
        kick.setTooltip(new Tooltip("Close the selected session"));
        kick.setOnAction(event -> kick(table.getSelectionModel().getSelectedItem()));
        Button ban = new Button("Ban address", new FontIcon(Feather.SLASH));
        ban.setId("banAddress");
        ban.setTooltip(new Tooltip("Close every session from the selected client's address and refuse it for a while"));
        ban.setOnAction(event -> ban(table.getSelectionModel().getSelectedItem()));
        kick.disableProperty()
                .bind(table.getSelectionModel().selectedItemProperty().isNull());
        ban.disableProperty()
                .bind(table.getSelectionModel().selectedItemProperty().isNull());
        return new ToolBar(kick, ban);
    }

    private TableRow<SessionRow> rowWithMenu() {
        TableRow<SessionRow> row = new TableRow<>();
        MenuItem kick = new MenuItem("Kick session", new FontIcon(Feather.USER_X));
        kick.setOnAction(event -> kick(row.getItem()));
        MenuItem ban = new MenuItem("Ban address…", new FontIcon(Feather.SLASH));
        ban.setOnAction(event -> ban(row.getItem()));
        row.contextMenuProperty()
                .bind(Bindings.when(row.emptyProperty())
                        .then((ContextMenu) null)
                        .otherwise(new ContextMenu(kick, ban)));
        return row;
    }

    private void kick(SessionRow session) {
        if (session != null
                && confirm(
                        "Kick",
                        "Kick session " + session.id() + "?",
                        describe(session) + "\n\nIts connection is closed at once; the client may connect again.")) {
            controller.kickSession(session.id());
        }
    }

    /** Asks for how long (and confirms); every session from the address is closed, and it is refused. */
    private void ban(SessionRow session) {
        if (session != null) {
            bans.ask(
                    session.host(),
                    describe(session) + "\nEvery session from " + session.host() + " is closed, and it is refused.");
            table.getSelectionModel().clearSelection();
        }
    }

    /** "Session 12 from 127.0.0.1:40112, user ann, on PID 4242". */
    static String describe(SessionRow session) {
        String user = session.userProperty().get();
        return "Session " + session.id() + " from " + session.client()
                + (user == null || user.isEmpty() ? "" : ", user " + user) + ", "
                + (session.whereProperty().get().startsWith("PID") ? "on " : "")
                + session.whereProperty().get();
    }

    /**
     * Asks before an action on a session; Cancel is the default, so a second click or an Enter does not act. The
     * selection is cleared once the action is done: the session's row goes, and the selection must not move on to
     * the next session.
     */
    private boolean confirm(String action, String question, String details) {
        ButtonType act = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, details, act, ButtonType.CANCEL);
        alert.setTitle(action + " session");
        alert.setHeaderText(question);
        if (getScene() != null) {
            alert.initOwner(getScene().getWindow());
        }
        ((Button) alert.getDialogPane().lookupButton(act)).setDefaultButton(false);
        alert.getDialogPane().lookupButton(act).setId("confirmAction");
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        alert.getDialogPane().setId("confirmSession");
        boolean confirmed = alert.showAndWait().filter(act::equals).isPresent();
        if (confirmed) {
            table.getSelectionModel().clearSelection();
        }
        return confirmed;
    }

    private static TableColumn<SessionRow, String> column(
            String title, double width, Function<SessionRow, ObservableValue<String>> value) {
        TableColumn<SessionRow, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> value.apply(cell.getValue()));
        return column;
    }
}
