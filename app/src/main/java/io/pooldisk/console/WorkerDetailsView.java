package io.pooldisk.console;

import io.pooldisk.pool.WorkerInfo;
import java.time.Instant;
import java.util.Locale;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The selected worker: everything the snapshot says about it, and what its slot was seen doing. */
final class WorkerDetailsView extends VBox {

    private final PoolModel model;
    private final Label title = new Label("No worker selected");
    private final GridPane fields = new GridPane();
    private final ListView<String> history = new ListView<>();

    WorkerDetailsView(PoolModel model) {
        super(6);
        this.model = model;
        setId("workerDetails");
        title.getStyleClass().add("title-4");
        fields.setHgap(10);
        fields.setVgap(2);
        history.setId("workerHistory");
        history.getStyleClass().add("dense");
        history.setPlaceholder(new Label("Select a tile to see its history"));
        VBox.setVgrow(history, Priority.ALWAYS);
        getChildren().addAll(title, fields, new Label("History"), history);
        model.selectedWorkerProperty().addListener((property, before, now) -> show(now));
    }

    private void show(WorkerInfo worker) {
        fields.getChildren().clear();
        if (worker == null) {
            title.setText("No worker selected");
            history.getItems().clear();
            return;
        }
        title.setText("Slot " + worker.slot() + (worker.pid() == 0 ? "" : " · PID " + worker.pid()));
        row(0, "State", worker.state().name().toLowerCase(Locale.ROOT));
        row(1, "Command", worker.command());
        row(2, "Client", worker.client());
        row(3, "User", worker.user());
        row(4, "Session", worker.sessionId() == 0 ? "" : Long.toString(worker.sessionId()));
        row(5, "Bytes", Format.bytes(worker.bytes()));
        row(6, "Requests", Long.toString(worker.requests()));
        row(7, "Up", worker.pid() == 0 ? "" : Format.uptime(worker.startedAt(), Instant.now()));
        row(8, "Memory", Format.bytes(worker.rssBytes()));
        history.getItems().setAll(model.history().of(worker.slot()));
    }

    private void row(int index, String name, String value) {
        Label key = new Label(name);
        key.getStyleClass().add("text-muted");
        key.setMinWidth(Region.USE_PREF_SIZE);
        fields.addRow(index, key, new Label(value.isEmpty() ? "—" : value));
    }
}
