package io.pooldisk.console;

import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerState;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import javafx.css.PseudoClass;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.controlsfx.control.GridCell;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * One worker in the grid: its PID, its state (as a colour and a word), what it is serving, its requests,
 * uptime and memory. A click selects it; its context menu recycles or kills it.
 */
final class WorkerTile extends GridCell<WorkerInfo> {

    private static final Map<WorkerState, PseudoClass> STATE_CLASSES = new EnumMap<>(WorkerState.class);
    private static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");

    static {
        for (WorkerState state : WorkerState.values()) {
            STATE_CLASSES.put(state, PseudoClass.getPseudoClass(state.name().toLowerCase(Locale.ROOT)));
        }
    }

    private final PoolModel model;
    private final Label pid = new Label();
    private final Label state = new Label();
    private final Label doing = new Label();
    private final Label who = new Label();
    private final Label figures = new Label();
    private final Tooltip tip = new Tooltip();
    private final VBox content = new VBox(1, new HBox(8, pid, state), doing, who, figures);

    WorkerTile(PoolModel model, PoolController controller) {
        this.model = model;
        setTooltip(tip);
        getStyleClass().add("worker-tile");
        pid.getStyleClass().add("worker-pid");
        state.getStyleClass().add("worker-state");
        figures.getStyleClass().add("worker-figures");
        MenuItem recycle = new MenuItem("Recycle", new FontIcon(Feather.REFRESH_CW));
        recycle.setOnAction(event -> controller.recycleWorker(getItem().pid()));
        MenuItem kill = new MenuItem("Kill", new FontIcon(Feather.X_OCTAGON));
        kill.setOnAction(event -> controller.killWorker(getItem().pid()));
        ContextMenu menu = new ContextMenu(recycle, kill);
        setOnContextMenuRequested(event -> {
            if (getItem() != null && getItem().pid() != 0) {
                model.selectedSlotProperty().set(getItem().slot());
                menu.show(this, event.getScreenX(), event.getScreenY());
            }
        });
        setOnMouseClicked(event -> {
            if (getItem() != null) {
                model.selectedSlotProperty().set(getItem().slot());
            }
        });
    }

    @Override
    protected void updateItem(WorkerInfo worker, boolean empty) {
        super.updateItem(worker, empty);
        WorkerState shown = empty || worker == null ? null : worker.state();
        STATE_CLASSES.forEach((s, pseudoClass) -> pseudoClassStateChanged(pseudoClass, s == shown));
        pseudoClassStateChanged(
                SELECTED,
                shown != null && worker.slot() == model.selectedSlotProperty().get());
        if (shown == null) {
            setGraphic(null);
            return;
        }
        pid.setText(worker.pid() == 0 ? "no process" : "PID " + worker.pid());
        state.setText(shown.name().toLowerCase(Locale.ROOT));
        doing.setText(
                worker.command().isEmpty()
                        ? "—"
                        : worker.command() + (worker.bytes() > 0 ? "  " + Format.bytes(worker.bytes()) : ""));
        who.setText(
                worker.client().isEmpty()
                        ? " "
                        : worker.client() + (worker.user().isEmpty() ? "" : "  " + worker.user()));
        figures.setText(
                worker.pid() == 0
                        ? " "
                        : worker.requests() + " req · " + Format.uptime(worker.startedAt(), Instant.now()) + " · "
                                + Format.bytes(worker.rssBytes()));
        // A narrow tile cuts its longer lines: the tooltip has them whole.
        tip.setText(String.join(
                "\n", pid.getText() + " · " + state.getText(), doing.getText(), who.getText(), figures.getText()));
        setGraphic(content);
    }
}
