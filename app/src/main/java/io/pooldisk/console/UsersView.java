package io.pooldisk.console;

import io.pooldisk.auth.Accounts.UserInfo;
import io.pooldisk.auth.PasswordPolicy;
import io.pooldisk.client.ByteSizes;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
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
 * or quota, or remove it (after a confirmation, as its files go with it). Sizes read and show as everywhere else
 * ({@link ByteSizes}); a password is typed twice and follows the {@link PasswordPolicy}; a quota below what the user
 * stores already is set only after a confirmation that says what it means.
 */
final class UsersView extends BorderPane {

    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final UsersModel model;
    private final TableView<UserInfo> table;
    private final TextField name = new TextField();
    private final PasswordField password = new PasswordField();
    private final PasswordField passwordAgain = new PasswordField();
    private final TextField quota = new TextField();

    UsersView(UsersModel model) {
        this.model = model;
        table = new TableView<>(model.users());
        table.setId("users");
        table.setPlaceholder(new Label("No users yet: add one above"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Name", UserInfo::name));
        table.getColumns().add(column("Quota", user -> UsersModel.describeQuota(user.quotaBytes())));
        table.getColumns().add(column("Used", user -> ByteSizes.human(user.usedBytes())));
        table.getColumns().add(column("Created", user -> CREATED.format(user.created())));
        table.getSelectionModel().selectedItemProperty().addListener((property, before, now) -> {
            if (now != null) {
                name.setText(now.name());
                quota.setText(quotaText(now.quotaBytes()));
            }
        });
        model.users().addListener((ListChangeListener<UserInfo>) change -> reselect());
        name.setId("userName");
        name.setPromptText("Name");
        password.setId("userPassword");
        password.setPromptText("Password");
        password.setTooltip(new Tooltip("At least " + PasswordPolicy.MIN_LENGTH + " characters"));
        passwordAgain.setId("userPasswordAgain");
        passwordAgain.setPromptText("Password again");
        passwordAgain.setTooltip(new Tooltip("The same password again, to be sure of it"));
        for (TextField field : new TextField[] {name, password, passwordAgain}) {
            field.setPrefColumnCount(10);
        }
        quota.setId("userQuota");
        quota.setPromptText("Quota: 500M, 2G");
        quota.setTooltip(new Tooltip("Quota: 500M, 2G, 10GiB, 1.5T, 100MB or bytes; 0 or empty for none"));
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
        add.setOnAction(event -> quotaBytes()
                .ifPresent(bytes -> newPassword().ifPresent(chosen -> {
                    model.add(name.getText().strip(), chosen, bytes);
                    clearPasswords();
                })));
        Button setPassword = button("setPassword", "Set password", Feather.KEY, "Give the selected user this password");
        setPassword
                .disableProperty()
                .bind(noneSelected.or(password.textProperty().isEmpty()));
        setPassword.setOnAction(event -> newPassword().ifPresent(chosen -> {
            model.setPassword(selected(), chosen);
            clearPasswords();
        }));
        Button setQuota = button("setQuota", "Set quota", Feather.HARD_DRIVE, "Give the selected user this quota");
        setQuota.disableProperty().bind(noneSelected);
        setQuota.setOnAction(event -> quotaBytes().ifPresent(this::setQuota));
        Button remove = button("removeUser", "Remove", Feather.USER_MINUS, "Remove the selected user and their files");
        remove.disableProperty().bind(noneSelected);
        remove.setOnAction(event -> confirmRemoval(selected()));
        Button refresh = button("refreshUsers", null, Feather.REFRESH_CW, "List the users again");
        refresh.setOnAction(event -> model.refresh());
        return new ToolBar(name, password, passwordAgain, quota, add, setPassword, setQuota, remove, refresh);
    }

    /** Sets the selected user's quota; below what they store already, only once the person confirms it. */
    private void setQuota(long bytes) {
        UserInfo user = table.getSelectionModel().getSelectedItem();
        if (bytes == 0 || user.usedBytes() <= bytes) {
            model.setQuota(user.name(), bytes);
            return;
        }
        Alert confirm = new Alert(
                Alert.AlertType.CONFIRMATION,
                user.name() + " stores " + ByteSizes.human(user.usedBytes()) + " already, more than "
                        + ByteSizes.human(bytes) + ": their uploads are refused until they remove "
                        + ByteSizes.human(user.usedBytes() - bytes) + ". Set the quota anyway?",
                ButtonType.OK,
                ButtonType.CANCEL);
        confirm.setHeaderText("Quota below current use");
        confirm.getDialogPane().setId("quotaBelowUseDialog");
        confirm.initOwner(getScene().getWindow());
        confirm.showAndWait().filter(ButtonType.OK::equals).ifPresent(ok -> model.setQuota(user.name(), bytes));
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

    /** The quota field in bytes (empty: none); nothing, and said so, when it is not a size. */
    private Optional<Long> quotaBytes() {
        String text = quota.getText().strip();
        try {
            return Optional.of(text.isEmpty() ? 0 : ByteSizes.parse(text));
        } catch (IllegalArgumentException e) {
            model.complain("a quota " + e.getMessage() + "; 0 or empty for none");
            quota.requestFocus();
            return Optional.empty();
        }
    }

    /** A quota as the field shows it: in the largest unit that says it exactly, as {@link ByteSizes} reads it. */
    static String quotaText(long bytes) {
        if (bytes < 1024) {
            return Long.toString(bytes);
        }
        String human = ByteSizes.human(bytes);
        if (ByteSizes.parse(human) == bytes) {
            return human.replace(".0 ", " ");
        }
        return Long.toString(bytes);
    }

    /** The password typed twice; nothing, and said why, when it is too weak or the two differ. */
    private Optional<char[]> newPassword() {
        char[] chosen = password.getText().toCharArray();
        String problem = PasswordPolicy.problem(chosen);
        if (problem == null && !password.getText().equals(passwordAgain.getText())) {
            problem = "the two passwords differ: type the same one in both fields";
        }
        if (problem != null) {
            Arrays.fill(chosen, '\0');
            model.complain(problem);
            (password.getText().length() < PasswordPolicy.MIN_LENGTH ? password : passwordAgain).requestFocus();
            return Optional.empty();
        }
        return Optional.of(chosen);
    }

    private void clearPasswords() {
        password.clear();
        passwordAgain.clear();
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
