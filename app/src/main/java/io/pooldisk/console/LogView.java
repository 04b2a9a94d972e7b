package io.pooldisk.console;

import atlantafx.base.controls.CustomTextField;
import io.pooldisk.pool.PoolEvent;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.transformation.FilteredList;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The Log tab: the pool's events (hand-offs, commands, sessions, workers, errors), filtered by least level and
 * by text, following the newest; exported as CSV. The server also writes them to server.log in its data dir.
 */
final class LogView extends BorderPane {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(Format.CLOCK.getZone());

    private final FilteredList<PoolEvent> shown;
    private final ComboBox<PoolEvent.Level> level = new ComboBox<>();
    private final CustomTextField text = new CustomTextField();
    private final Label note = new Label();

    LogView(PoolController controller) {
        PoolModel model = controller.model();
        shown = new FilteredList<>(model.events());
        TableView<PoolEvent> table = new TableView<>(shown);
        table.setId("log");
        table.getStyleClass().addAll("dense", "striped");
        table.setPlaceholder(new Label("No events at this level"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Time", 90, event -> TIME.format(event.time())));
        table.getColumns().add(column("Level", 70, event -> event.level().name()));
        table.getColumns().add(column("Kind", 80, event -> event.kind().name().toLowerCase(Locale.ROOT)));
        table.getColumns().add(column("Message", 700, PoolEvent::message));

        level.setId("logLevel");
        level.getItems().setAll(PoolEvent.Level.values());
        level.setValue(PoolEvent.Level.INFO);
        level.setTooltip(new Tooltip("Least level shown; DEBUG also collects every hand-off, session and command"));
        text.setId("logFilter");
        text.setPromptText("Filter");
        text.setLeft(new FontIcon(Feather.SEARCH));
        level.valueProperty().addListener((property, before, now) -> refilter());
        controller.debugEventsProperty().bind(level.valueProperty().isEqualTo(PoolEvent.Level.DEBUG));
        text.textProperty().addListener((property, before, now) -> refilter());
        refilter();

        ToggleButton follow = new ToggleButton("Follow", new FontIcon(Feather.CHEVRONS_DOWN));
        follow.setId("logFollow");
        follow.setSelected(true);
        shown.addListener((ListChangeListener<PoolEvent>) change -> {
            if (follow.isSelected() && !shown.isEmpty()) {
                table.scrollTo(shown.size() - 1);
            }
        });
        Button export = new Button("Export CSV", new FontIcon(Feather.DOWNLOAD));
        export.setId("exportLog");
        export.setOnAction(event -> export());
        setTop(new ToolBar(level, text, follow, export, note));
        setCenter(table);
    }

    private void refilter() {
        PoolEvent.Level least = level.getValue();
        String wanted = text.getText() == null ? "" : text.getText().strip().toLowerCase(Locale.ROOT);
        shown.setPredicate(event -> event.level().compareTo(least) >= 0
                && (wanted.isEmpty()
                        || event.message().toLowerCase(Locale.ROOT).contains(wanted)
                        || event.kind().name().toLowerCase(Locale.ROOT).contains(wanted)));
    }

    private void export() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the log");
        chooser.setInitialFileName("pooldisk-log.csv");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File file = chooser.showSaveDialog(getScene().getWindow());
        if (file == null) {
            return;
        }
        List<PoolEvent> events = List.copyOf(shown);
        Thread writer = new Thread(
                () -> {
                    String result;
                    try (Writer out = Files.newBufferedWriter(file.toPath())) {
                        EventCsv.write(events, out);
                        result = events.size() + " events written to " + file.getName();
                    } catch (IOException e) {
                        result = "cannot write " + file + ": " + e.getMessage();
                    }
                    String shownResult = result;
                    Platform.runLater(() -> note.setText(shownResult));
                },
                "log-export");
        writer.setDaemon(true);
        writer.start();
    }

    private static TableColumn<PoolEvent, String> column(
            String title, double width, Function<PoolEvent, String> value) {
        TableColumn<PoolEvent, String> column = new TableColumn<>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }
}
