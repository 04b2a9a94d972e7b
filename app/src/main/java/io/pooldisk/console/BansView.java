package io.pooldisk.console;

import io.pooldisk.auth.Ban;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The ban list under the sessions: every ban in force, the administrator's (manual) and the login throttle's after
 * failed logins (automatic), with Unban, and Add ban for an address or network.
 */
final class BansView extends BorderPane {

    private final BansModel model;
    private final TableView<Ban> table;

    BansView(BansModel model) {
        this.model = model;
        table = new TableView<>(model.bans());
        table.setId("bans");
        table.setPlaceholder(new Label("No bans"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns()
                .add(column("Address or network", 190, ban -> ban.range().toString()));
        table.getColumns().add(column("Source", 90, ban -> ban.source().label()));
        table.getColumns().add(column("Since", 130, ban -> BansModel.WHEN.format(ban.since())));
        table.getColumns()
                .add(column("Until", 130, ban -> ban.permanent() ? "permanent" : BansModel.WHEN.format(ban.until())));
        table.getColumns().add(column("Reason", 200, Ban::reason));
        setTop(toolbar());
        setCenter(table);
    }

    private ToolBar toolbar() {
        Label title = new Label("Bans", new FontIcon(Feather.SLASH));
        Button add = new Button("Add ban", new FontIcon(Feather.PLUS));
        add.setId("addBan");
        add.setTooltip(new Tooltip("Ban an address or a network (CIDR)"));
        add.setOnAction(event -> ask("", ""));
        Button unban = new Button("Unban", new FontIcon(Feather.CHECK_CIRCLE));
        unban.setId("unban");
        unban.setTooltip(new Tooltip("Lift the selected ban (an automatic one also forgets the failed logins)"));
        unban.setOnAction(event -> {
            Ban ban = table.getSelectionModel().getSelectedItem();
            if (ban != null) {
                model.unban(ban);
                table.getSelectionModel().clearSelection();
            }
        });
        unban.disableProperty()
                .bind(table.getSelectionModel().selectedItemProperty().isNull());
        Button refresh = new Button(null, new FontIcon(Feather.REFRESH_CW));
        refresh.setId("refreshBans");
        refresh.setTooltip(new Tooltip("Read the list again"));
        refresh.setOnAction(event -> model.refresh());
        Label outcome = new Label();
        outcome.setId("bansOutcome");
        outcome.textProperty().bind(model.outcomeProperty());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox right = new HBox(8, outcome, refresh);
        right.setAlignment(Pos.CENTER_RIGHT);
        return new ToolBar(title, add, unban, gap, right);
    }

    /** Asks for a ban of {@code address} (empty: the person types it), then makes it. */
    void ask(String address, String context) {
        BanDialog dialog = new BanDialog(address, context);
        if (getScene() != null) {
            dialog.initOwner(getScene().getWindow());
        }
        dialog.showAndWait().ifPresent(r -> model.ban(r.target(), r.length(), r.reason()));
    }

    private static TableColumn<Ban, String> column(String title, double width, Function<Ban, String> value) {
        TableColumn<Ban, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(
                cell -> (ObservableValue<String>) new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }
}
