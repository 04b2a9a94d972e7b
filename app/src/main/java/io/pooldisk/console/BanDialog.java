package io.pooldisk.console;

import io.pooldisk.auth.AddressRange;
import java.time.Duration;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * Asks what to ban and for how long (10 minutes, 1 hour, 1 day, permanent), with a reason. When the address or
 * network covers the console's own client (loopback), it says so and bans only once that is ticked explicitly.
 */
final class BanDialog extends Dialog<BanDialog.Request> {

    /** What the person asked for; {@code length} null: permanent. */
    record Request(String target, Duration length, String reason) {}

    /** A choice of length; {@code length} null: permanent. */
    record Length(String label, Duration length) {}

    static final Length[] LENGTHS = {
        new Length("10 minutes", Duration.ofMinutes(10)),
        new Length("1 hour", Duration.ofHours(1)),
        new Length("1 day", Duration.ofDays(1)),
        new Length("permanent", null)
    };

    private final TextField target = new TextField();
    private final Label problem = new Label();

    /**
     * @param address the address to ban, or empty for the person to type one
     * @param context what the ban is about (a session's description), or empty
     */
    BanDialog(String address, String context) {
        setTitle("Ban");
        setHeaderText(address.isEmpty() ? "Ban an address or network" : "Ban " + address + "?");
        ButtonType ban = new ButtonType("Ban", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().addAll(ban, ButtonType.CANCEL);
        getDialogPane().setId("banDialog");

        target.setId("banTarget");
        target.setText(address);
        target.setPromptText("192.0.2.7, 10.0.0.0/8, 2001:db8::/32");
        target.setPrefColumnCount(22);
        ChoiceBox<Length> length = new ChoiceBox<>();
        length.setId("banLength");
        length.getItems().addAll(LENGTHS);
        length.setValue(LENGTHS[1]);
        length.setConverter(new StringConverter<>() {
            @Override
            public String toString(Length l) {
                return l == null ? "" : l.label();
            }

            @Override
            public Length fromString(String s) {
                return null;
            }
        });
        TextField reason = new TextField();
        reason.setId("banReason");
        reason.setPromptText("Why (shown in the list)");

        problem.setId("banProblem");
        problem.getStyleClass().add("danger");
        Label warning = new Label("This bans the console's own client as well: the Client tab connects from "
                + String.join(" or ", BansModel.CONSOLE_CLIENT) + ", and would be refused.");
        warning.setId("banOwnClientWarning");
        warning.setWrapText(true);
        warning.setMaxWidth(420);
        warning.getStyleClass().add("warning");
        CheckBox meant = new CheckBox("Ban it all the same");
        meant.setId("banOwnClientConfirm");

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        form.addRow(0, new Label("Address or network"), target);
        form.addRow(1, new Label("For"), length);
        form.addRow(2, new Label("Reason"), reason);
        VBox content = new VBox(10);
        if (!context.isEmpty()) {
            content.getChildren().add(new Label(context));
        }
        content.getChildren().addAll(form, problem, warning, meant);
        content.setPadding(new Insets(4, 0, 0, 0));
        getDialogPane().setContent(content);

        BooleanBinding ownClient = Bindings.createBooleanBinding(
                () -> range().map(BansModel::coversConsoleClient).orElse(false), target.textProperty());
        for (Node n : new Node[] {warning, meant}) {
            n.visibleProperty().bind(ownClient);
            n.managedProperty().bind(ownClient);
        }
        problem.textProperty().bind(Bindings.createStringBinding(this::whatIsWrong, target.textProperty()));
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());

        Button banButton = (Button) getDialogPane().lookupButton(ban);
        banButton.setId("confirmBan");
        banButton.setDefaultButton(false); // Enter does not ban: Cancel is the default
        ((Button) getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        banButton
                .disableProperty()
                .bind(problem.textProperty()
                        .isNotEmpty()
                        .or(Bindings.createBooleanBinding(() -> target.getText().isBlank(), target.textProperty()))
                        .or(ownClient.and(meant.selectedProperty().not())));
        setResultConverter(button -> button == ban
                ? new Request(target.getText().strip(), length.getValue().length(), reason.getText())
                : null);
    }

    private Optional<AddressRange> range() {
        try {
            return Optional.of(AddressRange.parse(target.getText()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Empty while the field is empty or right; else what is wrong with it. */
    private String whatIsWrong() {
        if (target.getText().isBlank()) {
            return "";
        }
        try {
            AddressRange.parse(target.getText());
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
