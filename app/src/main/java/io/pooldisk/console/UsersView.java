package io.pooldisk.console;

import io.pooldisk.auth.Accounts.UserInfo;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Function;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The Users tab: the accounts with quota and usage; a form to add one, and to change the selected one's password
 * or quota, or remove it (after a confirmation, as its files go with it).
 */
final class UsersView extends BorderPane {

    private static final long MIB = 1024 * 1024;
    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final UsersModel model;
    private final TableView<UserInfo> table;
    private final TextField name = new TextField();
    private final PasswordField password = new PasswordField();
    private final TextField quota = new TextField();

    UsersView(UsersModel model) {
        this.model = model;
        table = new TableView<>(model.users());
        table.setId("users");
        table.setPlaceholder(new Label("No users yet: add one above"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.getColumns().add(column("Name", UserInfo::name));
        table.getColumns().add(column("Quota", user -> UsersModel.describeQuota(user.quotaBytes())));
        table.getColumns().add(column("Used", user -> Format.bytes(user.usedBytes())));
        table.getColumns().add(column("Created", user -> CREATED.format(user.created())));
        table.getSelectionModel().selectedItemProperty().addListener((property, before, now) -> {
            if (now != null) {
                name.setText(now.name());
                quota.setText(Long.toString(now.quotaBytes() / MIB));
            }
        });
        model.users().addListener((ListChangeListener<UserInfo>) change -> reselect());
        name.setId("userName");
        name.setPromptText("Name");
        password.setId("userPassword");
        password.setPromptText("Password");
        quota.setId("userQuota");
        quota.setPromptText("Quota (MiB)");
        quota.setTooltip(new Tooltip("Quota in MiB; 0 or empty for none"));
        quota.setPrefColumnCount(9);
        Label outcome = new Label();
        outcome.setId("usersOutcome");
        outcome.textProperty().bind(model.outcomeProperty());
        setTop(new VBox(form(), outcome));
        setCenter(table);
        outcome.getStyleClass().add("users-outcome");
    }

    private ToolBar form() {
        BooleanBinding noneSelected =
                table.getSelectionModel().selectedItemProperty().isNull();
        Button add = button("addUser", "Add", Feather.USER_PLUS, "Add a user with this name, password and quota");
        add.disableProperty()
                .bind(name.textProperty().isEmpty().or(password.textProperty().isEmpty()));
        add.setOnAction(event -> quotaBytes().ifPresent(bytes -> {
            model.add(name.getText().strip(), password.getText().toCharArray(), bytes);
            password.clear();
        }));
        Button setPassword = button("setPassword", "Set password", Feather.KEY, "Give the selected user this password");
        setPassword
                .disableProperty()
                .bind(noneSelected.or(password.textProperty().isEmpty()));
        setPassword.setOnAction(event -> {
            model.setPassword(selected(), password.getText().toCharArray());
            password.clear();
        });
        Button setQuota = button("setQuota", "Set quota", Feather.HARD_DRIVE, "Give the selected user this quota");
        setQuota.disableProperty().bind(noneSelected);
        setQuota.setOnAction(event -> quotaBytes().ifPresent(bytes -> model.setQuota(selected(), bytes)));
        Button remove = button("removeUser", "Remove", Feather.USER_MINUS, "Remove the selected user and their files");
        remove.disableProperty().bind(noneSelected);
        remove.setOnAction(event -> confirmRemoval(selected()));
        Button refresh = button("refreshUsers", null, Feather.REFRESH_CW, "List the users again");
        refresh.setOnAction(event -> model.refresh());
        return new ToolBar(name, password, quota, add, setPassword, setQuota, remove, refresh);
    }

    private void confirmRemoval(String user) {
        Alert confirm = new Alert(
                Alert.AlertType.CONFIRMATION,
                "Remove " + user + " and all their files?",
                ButtonType.OK,
                ButtonType.CANCEL);
        confirm.setHeaderText("Remove a user");
        confirm.initOwner(getScene().getWindow());
        confirm.showAndWait().filter(ButtonType.OK::equals).ifPresent(ok -> model.delete(user));
    }

    /** The quota field in bytes; empty (and said so) when it is not a whole number of MiB. */
    private Optional<Long> quotaBytes() {
        String text = quota.getText().strip();
        try {
            long mib = text.isEmpty() ? 0 : Long.parseLong(text);
            if (mib >= 0 && mib <= Long.MAX_VALUE / MIB) {
                return Optional.of(mib * MIB);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        model.complain("a quota is a whole number of MiB (0 for none), not " + text);
        quota.requestFocus();
        return Optional.empty();
    }

    /** After the list is read again, selects the user of the same name as the form, if still there. */
    private void reselect() {
        String wanted = name.getText().strip();
        model.users().stream()
                .filter(user -> user.name().equals(wanted))
                .findFirst()
                .ifPresent(user -> table.getSelectionModel().select(user));
    }

    private String selected() {
        return table.getSelectionModel().getSelectedItem().name();
    }

    private static Button button(String id, String text, Feather icon, String tip) {
        Button button = new Button(text, new FontIcon(icon));
        button.setId(id);
        button.setTooltip(new Tooltip(tip));
        return button;
    }

    private static TableColumn<UserInfo, String> column(String title, Function<UserInfo, String> value) {
        TableColumn<UserInfo, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }
}
