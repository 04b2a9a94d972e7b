package io.pooldisk.console;

import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerState;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import org.controlsfx.control.GridCell;

/** One worker in the grid: its PID, its state (as a colour and a word) and what it is serving. */
final class WorkerTile extends GridCell<WorkerInfo> {

    private static final Map<WorkerState, PseudoClass> STATE_CLASSES = new EnumMap<>(WorkerState.class);

    static {
        for (WorkerState state : WorkerState.values()) {
            STATE_CLASSES.put(state, PseudoClass.getPseudoClass(state.name().toLowerCase(Locale.ROOT)));
        }
    }

    private final Label pid = new Label();
    private final Label state = new Label();
    private final Label command = new Label();
    private final Label client = new Label();
    private final VBox content = new VBox(2, pid, state, command, client);

    WorkerTile() {
        getStyleClass().add("worker-tile");
        pid.getStyleClass().add("worker-pid");
    }

    @Override
    protected void updateItem(WorkerInfo worker, boolean empty) {
        super.updateItem(worker, empty);
        WorkerState shown = empty || worker == null ? null : worker.state();
        STATE_CLASSES.forEach((s, pseudoClass) -> pseudoClassStateChanged(pseudoClass, s == shown));
        if (shown == null) {
            setGraphic(null);
            return;
        }
        pid.setText(worker.pid() == 0 ? "no process" : "PID " + worker.pid());
        state.setText(shown.name().toLowerCase(Locale.ROOT));
        command.setText(worker.command());
        client.setText(worker.client());
        setGraphic(content);
    }
}
