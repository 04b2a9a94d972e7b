package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.WorkerInfo;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.GridView;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The Pool tab: the pool's figures over the worker grid over the charts; on the right the selected worker.
 * The toolbar resizes the pool live and recycles or kills the selected worker.
 */
final class PoolView extends BorderPane {

    PoolView(PoolController controller, SettingsModel settings) {
        PoolModel model = controller.model();
        GridView<WorkerInfo> grid = new GridView<>(model.workers());
        grid.setId("workers");
        grid.setCellFactory(view -> new WorkerTile(model, controller));
        grid.setCellWidth(200);
        grid.setCellHeight(92);
        grid.setHorizontalCellSpacing(6);
        grid.setVerticalCellSpacing(6);

        VBox.setVgrow(grid, Priority.ALWAYS);
        VBox workers = new VBox(new FiguresView(model), grid);
        workers.getStyleClass().add("workers-pane");
        SplitPane left = new SplitPane(workers, new ChartsView(model.throughput()));
        left.setOrientation(Orientation.VERTICAL);
        left.setDividerPositions(0.55);

        WorkerDetailsView details = new WorkerDetailsView(model);
        details.getStyleClass().add("details-pane");
        details.setMinWidth(240);
        details.setPrefWidth(320);
        SplitPane center = new SplitPane(left, details);
        center.setDividerPositions(0.74);
        SplitPane.setResizableWithParent(details, false);
        setTop(toolbar(controller, settings));
        setCenter(center);
    }

    private static ToolBar toolbar(PoolController controller, SettingsModel settings) {
        PoolModel model = controller.model();
        Spinner<Integer> size = new Spinner<>(
                1, PoolConfig.MAX_WORKERS, settings.workersProperty().get());
        size.setId("poolSize");
        size.setEditable(true);
        size.setPrefWidth(90);
        size.getValueFactory().valueProperty().bindBidirectional(settings.workersProperty());
        size.setTooltip(new Tooltip("Workers wanted; a running pool is resized at once"));
        size.valueProperty().addListener((property, before, now) -> controller.resize(now));

        BooleanBinding noProcess = Bindings.createBooleanBinding(
                () -> model.selectedWorkerProperty().get() == null
                        || model.selectedWorkerProperty().get().pid() == 0,
                model.selectedWorkerProperty());
        Button recycle = new Button("Recycle", new FontIcon(Feather.REFRESH_CW));
        recycle.setId("recycleWorker");
        recycle.setTooltip(new Tooltip("Let the selected worker finish its session, then replace it"));
        recycle.disableProperty().bind(noProcess);
        recycle.setOnAction(event ->
                controller.recycleWorker(model.selectedWorkerProperty().get().pid()));
        Button kill = new Button("Kill", new FontIcon(Feather.X_OCTAGON));
        kill.setId("killWorker");
        kill.setTooltip(new Tooltip("End the selected worker with SIGKILL, as a crash would"));
        kill.disableProperty().bind(noProcess);
        kill.setOnAction(event ->
                controller.killWorker(model.selectedWorkerProperty().get().pid()));
        return new ToolBar(new Label("Workers"), size, recycle, kill);
    }
}
