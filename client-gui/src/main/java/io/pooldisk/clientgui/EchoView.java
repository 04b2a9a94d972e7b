package io.pooldisk.clientgui;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** Text in, upper-cased echoes out, each with the PID of the worker that answered and the round trip. */
final class EchoView extends BorderPane {

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final TextField text = new TextField();
    private final ListView<EchoModel.Line> replies = new ListView<>();

    EchoView(EchoModel model, Runnable ensureConnected) {
        getStyleClass().add("echo-view");
        Label title = new Label("Echo");
        title.getStyleClass().add("section-title");
        Label hint = new Label("watch which worker answers");
        hint.getStyleClass().add("hint");
        Button clear = new Button(null, new FontIcon(Feather.TRASH_2));
        clear.setId("echoClear");
        clear.setTooltip(new javafx.scene.control.Tooltip("Clear the replies"));
        clear.setOnAction(e -> model.clear());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox head = new HBox(8, title, hint, grow, clear);
        head.setAlignment(Pos.CENTER_LEFT);
        head.getStyleClass().add("toolbar-row");

        replies.setId("echoReplies");
        replies.setItems(model.lines());
        replies.setPlaceholder(new Label("Type some text below and press Enter."));
        replies.setCellFactory(list -> new LineCell());
        model.lines().addListener((javafx.collections.ListChangeListener<EchoModel.Line>)
                change -> replies.scrollTo(model.lines().size() - 1));

        text.setId("echoText");
        text.setPromptText("Text to echo, then Enter");
        Button send = new Button("Send", new FontIcon(Feather.SEND));
        send.setId("echoSend");
        send.setDefaultButton(false);
        Runnable go = () -> {
            String line = text.getText();
            if (line.isEmpty()) {
                return;
            }
            text.clear();
            ensureConnected.run();
            model.send(line, ok -> {
                if (!ok && text.getText().isEmpty()) {
                    text.setText(line); // nothing lost: the text is back for another try
                }
            });
        };
        text.setOnAction(e -> go.run());
        send.setOnAction(e -> go.run());
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox input = new HBox(6, text, send);
        input.setPadding(new Insets(6, 0, 0, 0));

        setTop(head);
        setCenter(new VBox(replies));
        VBox.setVgrow(replies, Priority.ALWAYS);
        setBottom(input);
    }

    TextField input() {
        return text;
    }

    /** "12:00:01  PID 4242  HELLO  0.4 ms", or the reason there was no reply. */
    private static final class LineCell extends ListCell<EchoModel.Line> {

        LineCell() {
            setPrefWidth(0); // as wide as the list, never wider: no horizontal scroll bar
        }

        /** As high as the row at the list's width: a reply that wraps makes its cell taller. */
        @Override
        protected double computePrefHeight(double width) {
            double one = super.computePrefHeight(width);
            javafx.scene.Node row = getGraphic();
            if (row == null || width <= 0) {
                return one;
            }
            double inner = width - snappedLeftInset() - snappedRightInset();
            return Math.max(one, snappedTopInset() + row.prefHeight(inner) + snappedBottomInset());
        }

        @Override
        protected void updateItem(EchoModel.Line line, boolean empty) {
            super.updateItem(line, empty);
            setText(null);
            if (empty || line == null) {
                setGraphic(null);
                return;
            }
            Label at = new Label(AT.format(line.at()));
            at.setMinWidth(Region.USE_PREF_SIZE);
            at.getStyleClass().add("echo-time");
            HBox row;
            if (line.ok()) {
                Label pid = new Label("PID " + line.reply().workerPid());
                pid.getStyleClass().add("echo-pid");
                Label echoed = new Label(line.reply().text());
                echoed.setId("echoed");
                echoed.setWrapText(true); // a long reply takes more lines, never an ellipsis
                CjkFont.apply(echoed);
                echoed.setMinWidth(0);
                HBox.setHgrow(echoed, Priority.ALWAYS);
                echoed.setMaxWidth(Double.MAX_VALUE);
                Label rtt = new Label(Formats.millis(line.reply().roundTrip()));
                rtt.getStyleClass().add("echo-time");
                rtt.setMinWidth(Region.USE_PREF_SIZE);
                pid.setMinWidth(Region.USE_PREF_SIZE);
                row = new HBox(10, at, pid, echoed, rtt);
            } else {
                Label error = new Label(line.sent() + ": " + line.error());
                error.getStyleClass().add("echo-error");
                error.setMinWidth(0);
                error.setWrapText(true);
                CjkFont.apply(error);
                row = new HBox(10, at, error);
            }
            row.setAlignment(Pos.CENTER_LEFT);
            setGraphic(row);
        }
    }
}
