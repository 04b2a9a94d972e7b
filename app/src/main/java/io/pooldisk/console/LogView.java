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
 * The Log tab: the pool's events (hand-offs, commands, sessions, workers, errors, audit records), filtered by least
 * level, by kind and by text, following the newest; exported as CSV. The server also writes them to server.log in its
 * data dir, and the audit records to audit.log.
 */
final class LogView extends BorderPane {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(Format.CLOCK.getZone());

    private final FilteredList<PoolEvent> shown;
    /** Shown in the kind filter for no filter by kind; the others are the kinds' names in lower case. */
    static final String ALL_KINDS = "all kinds";

    private final ComboBox<PoolEvent.Level> level = new ComboBox<>();
    private final ComboBox<String> kind = new ComboBox<>();
    private final Label empty = new Label();
    private final CustomTextField text = new CustomTextField();
    private final Label note = new Label();

    LogView(PoolController controller) {
        PoolModel model = controller.model();
        shown = new FilteredList<>(model.events());
        TableView<PoolEvent> table = new TableView<>(shown);
        table.setId("log");
        table.getStyleClass().addAll("dense", "striped");
        empty.setId("logEmpty");
        table.setPlaceholder(empty);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Time", 90, event -> TIME.format(event.time())));
        table.getColumns().add(column("Level", 70, event -> event.level().name()));
        table.getColumns().add(column("Kind", 80, event -> kindName(event.kind())));
        table.getColumns().add(column("Message", 700, PoolEvent::message));

        level.setId("logLevel");
        level.getItems().setAll(PoolEvent.Level.values());
        level.setValue(PoolEvent.Level.INFO);
        level.setTooltip(new Tooltip("Least level shown; DEBUG also collects every hand-off, session and command"));
        kind.setId("logKind");
        kind.getItems().add(ALL_KINDS);
        for (PoolEvent.Kind k : PoolEvent.Kind.values()) {
            kind.getItems().add(kindName(k));
        }
        kind.setValue(ALL_KINDS);
        kind.setTooltip(new Tooltip("Only events of this kind; audit: logins, transfers, removals, account changes"));
        kind.valueProperty().addListener((property, before, now) -> refilter());
        text.setId("logFilter");
        text.setPromptText("Filter");
        text.setLeft(new FontIcon(Feather.SEARCH));
        level.valueProperty().addListener((property, before, now) -> refilter());
        controller.debugEventsProperty().bind(level.valueProperty().isEqualTo(PoolEvent.Level.DEBUG));
        text.textProperty().addListener((property, before, now) -> refilter());
        refilter();
        // The empty table says whether nothing happened yet or the filters hide what did.
        shown.addListener((ListChangeListener<PoolEvent>)
                change -> sayWhyEmpty(model.events().size()));
        model.events().addListener((ListChangeListener<PoolEvent>)
                change -> sayWhyEmpty(model.events().size()));
        sayWhyEmpty(model.events().size());

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
        setTop(new ToolBar(level, kind, text, follow, export, note));
        setCenter(table);
    }

    private void refilter() {
        PoolEvent.Level least = level.getValue();
        String ofKind = kind.getValue() == null ? ALL_KINDS : kind.getValue();
        String wanted = text.getText() == null ? "" : text.getText().strip().toLowerCase(Locale.ROOT);
        shown.setPredicate(event -> event.level().compareTo(least) >= 0
                && (ofKind.equals(ALL_KINDS) || kindName(event.kind()).equals(ofKind))
                && (wanted.isEmpty()
                        || event.message().toLowerCase(Locale.ROOT).contains(wanted)
                        || event.kind().name().toLowerCase(Locale.ROOT).contains(wanted)));
    }

    private void sayWhyEmpty(int total) {
        empty.setText(emptyText(total, total - shown.size()));
    }

    /** What the empty table says: that nothing came yet, or that the filters hide {@code hidden} events. */
    static String emptyText(int total, int hidden) {
        if (total == 0) {
            return "No events yet";
        }
        return "No events match the filter (" + hidden + " hidden)";
    }

    static String kindName(PoolEvent.Kind k) {
        return k.name().toLowerCase(Locale.ROOT);
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
