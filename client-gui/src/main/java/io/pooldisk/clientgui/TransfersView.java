package io.pooldisk.clientgui;

import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.util.StringConverter;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The queue: each transfer's progress, speed, time left and state, with Cancel or Retry. */
final class TransfersView extends BorderPane {

    private static final List<Long> LIMITS = List.of(0L, 1L << 20, 5L << 20, 20L << 20, 100L << 20);

    private final TableView<Transfer> table = new TableView<>();

    TransfersView(TransferQueue queue) {
        getStyleClass().add("transfers-view");
        Label title = new Label("Transfers");
        title.getStyleClass().add("section-title");
        Label summary = new Label();
        summary.getStyleClass().add("hint");
        summary.textProperty().bind(Bindings.createStringBinding(() -> summary(queue), queue.transfers()));
        ChoiceBox<Long> limit = new ChoiceBox<>();
        limit.setId("speedLimit");
        limit.getItems().setAll(LIMITS);
        limit.setConverter(new StringConverter<>() {
            @Override
            public String toString(Long bytes) {
                return bytes == null || bytes == 0 ? "No speed limit" : "At most " + Formats.speed(bytes);
            }

            @Override
            public Long fromString(String s) {
                return 0L;
            }
        });
        limit.setValue(queue.speedLimitProperty().get());
        limit.valueProperty()
                .addListener((p, was, now) -> queue.speedLimitProperty().set(now == null ? 0 : now));
        queue.speedLimitProperty().addListener((p, was, now) -> {
            if (!LIMITS.contains(now.longValue())) {
                limit.getItems().add(now.longValue());
            }
            limit.setValue(now.longValue());
        });
        limit.setTooltip(new Tooltip("Speed limit for each transfer"));
        Button clear = new Button("Clear finished", new FontIcon(Feather.CHECK_SQUARE));
        clear.setId("clearFinished");
        clear.setOnAction(e -> queue.clearFinished());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, title, summary, grow, limit, clear);
        bar.getStyleClass().add("toolbar-row");

        table.setId("transfers");
        table.setItems(queue.transfers());
        table.setPlaceholder(new Label("Uploads and downloads appear here."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        TableColumn<Transfer, Transfer> name = new TableColumn<>("File");
        name.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        name.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Transfer t, boolean empty) {
                super.updateItem(t, empty);
                if (empty || t == null) {
                    setText(null);
                    setGraphic(null);
                    setTooltip(null);
                } else {
                    setText(t.name());
                    setGraphic(new FontIcon(
                            t.kind() == Transfer.Kind.UPLOAD ? Feather.ARROW_UP_CIRCLE : Feather.ARROW_DOWN_CIRCLE));
                    setTooltip(new Tooltip(
                            (t.kind() == Transfer.Kind.UPLOAD
                                    ? t.local() + " → " + t.remote()
                                    : t.remote() + " → " + t.local())));
                }
            }
        });
        name.setPrefWidth(130);
        name.setMinWidth(80);

        TableColumn<Transfer, Number> progress = new TableColumn<>("Progress");
        progress.setCellValueFactory(c -> progressOf(c.getValue()));
        progress.setCellFactory(c -> new TableCell<>() {
            private final ProgressBar bar = new ProgressBar();
            private final Label percent = new Label();
            private final StackPane both = new StackPane(bar, percent);

            {
                bar.setMaxWidth(Double.MAX_VALUE);
                percent.getStyleClass().add("progress-text");
            }

            @Override
            protected void updateItem(Number p, boolean empty) {
                super.updateItem(p, empty);
                if (empty || p == null) {
                    setGraphic(null);
                } else {
                    double v = p.doubleValue();
                    bar.setProgress(v < 0 ? ProgressBar.INDETERMINATE_PROGRESS : v);
                    percent.setText(v < 0 ? "" : String.format(Locale.ROOT, "%.0f %%", v * 100));
                    setGraphic(both);
                }
            }
        });
        fixed(progress, 84);

        TableColumn<Transfer, String> size = new TableColumn<>("Size");
        size.setCellValueFactory(c -> {
            Transfer t = c.getValue();
            return Bindings.createStringBinding(
                    () -> t.totalProperty().get() < 0
                            ? ""
                            : t.state() == Transfer.State.DONE
                                    ? Formats.size(t.totalProperty().get())
                                    : Formats.sizeOf(
                                            t.doneProperty().get(),
                                            t.totalProperty().get()),
                    t.doneProperty(),
                    t.totalProperty(),
                    t.stateProperty());
        });
        fixed(size, 136);

        TableColumn<Transfer, String> speed = new TableColumn<>("Speed");
        speed.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> Formats.speed(c.getValue().speedProperty().get()),
                c.getValue().speedProperty()));
        fixed(speed, 84);

        TableColumn<Transfer, String> left = new TableColumn<>("Left");
        left.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> Formats.timeLeft(c.getValue().secondsLeftProperty().get()),
                c.getValue().secondsLeftProperty()));
        fixed(left, 72);

        TableColumn<Transfer, Transfer.State> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> c.getValue().stateProperty());
        status.setCellFactory(c -> new TableCell<>() {
            private Transfer shown;
            private final Tooltip whole = new Tooltip();
            private final javafx.beans.value.ChangeListener<String> onMessage = (p, was, now) -> show(now);

            /** The message, and the tooltip with all of it for when the column is too narrow. */
            private void show(String message) {
                setText(message);
                whole.setText(message);
            }

            @Override
            protected void updateItem(Transfer.State s, boolean empty) {
                super.updateItem(s, empty);
                if (shown != null) {
                    shown.messageProperty().removeListener(onMessage);
                }
                getStyleClass().removeAll("transfer-failed", "transfer-done");
                shown = empty || getTableRow() == null ? null : getTableRow().getItem();
                if (shown == null) {
                    setText(null);
                    setTooltip(null);
                    return;
                }
                shown.messageProperty().addListener(onMessage);
                show(shown.message());
                setTooltip(whole);
                if (s == Transfer.State.FAILED) {
                    getStyleClass().add("transfer-failed");
                } else if (s == Transfer.State.DONE) {
                    getStyleClass().add("transfer-done");
                }
            }
        });
        status.setPrefWidth(400);
        status.setMinWidth(120);

        TableColumn<Transfer, Transfer.State> action = new TableColumn<>("");
        action.setCellValueFactory(c -> c.getValue().stateProperty());
        action.setCellFactory(c -> new TableCell<>() {
            private final Button button = new Button();

            {
                button.getStyleClass().add("small");
                button.setMinWidth(Region.USE_PREF_SIZE);
                button.setOnAction(e -> {
                    Transfer t = getTableRow().getItem();
                    if (t != null && t.state().over()) {
                        queue.retry(t);
                    } else if (t != null) {
                        queue.cancel(t);
                    }
                });
            }

            @Override
            protected void updateItem(Transfer.State s, boolean empty) {
                super.updateItem(s, empty);
                if (empty || s == null || s == Transfer.State.DONE) {
                    setGraphic(null);
                    return;
                }
                boolean retry = s.over();
                button.setText(retry ? "Retry" : "Cancel");
                button.setTooltip(new Tooltip(retry ? "Start again from where it stopped" : "Stop; Retry resumes it"));
                button.getStyleClass().removeAll("transfer-retry", "transfer-cancel");
                button.getStyleClass().add(retry ? "transfer-retry" : "transfer-cancel");
                setGraphic(button);
                setAlignment(Pos.CENTER);
            }
        });
        fixed(action, 84);

        table.getColumns().setAll(List.of(name, progress, size, speed, left, status, action));
        setTop(bar);
        setCenter(table);
    }

    /**
     * A column of a constant width, wide enough for what it shows: the space a wider window adds goes to the file
     * names and the status, whose text is long.
     */
    private static void fixed(TableColumn<Transfer, ?> column, double width) {
        column.setMinWidth(width);
        column.setPrefWidth(width);
        column.setMaxWidth(width);
    }

    private static ObservableValue<Number> progressOf(Transfer t) {
        return Bindings.createDoubleBinding(t::progress, t.doneProperty(), t.totalProperty(), t.stateProperty());
    }

    private static String summary(TransferQueue queue) {
        long active = queue.transfers().stream().filter(t -> !t.state().over()).count();
        return active == 0 ? "" : active + " in progress";
    }
}
