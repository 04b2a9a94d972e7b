package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.WorkerInfo;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.GridView;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The Pool tab: the pool's figures over the worker grid, which always shows its rows whole, over the charts, which
 * take the height left; on the right the selected worker.
 * The toolbar resizes the pool live and recycles or kills the selected worker.
 */
final class PoolView extends BorderPane {

    /** The narrowest a tile gets before a row holds one tile fewer. */
    static final double MIN_TILE_WIDTH = 170;

    static final double TILE_HEIGHT = 88;
    static final double TILE_SPACING = 3;

    /** The rows of tiles the grid always has room for; a larger pool scrolls past them. */
    static final int ROWS_SHOWN = 3;

    /** What ControlsFX's GridView takes off its width for its scroll bar before it fits cells in a row. */
    private static final double GRID_SCROLL_BAR = 18;

    PoolView(PoolController controller, SettingsModel settings) {
        PoolModel model = controller.model();
        GridView<WorkerInfo> grid = new GridView<>(model.workers());
        grid.setId("workers");
        grid.setCellFactory(view -> new WorkerTile(model, controller));
        grid.setCellWidth(MIN_TILE_WIDTH);
        grid.setCellHeight(TILE_HEIGHT);
        grid.setHorizontalCellSpacing(TILE_SPACING);
        grid.setVerticalCellSpacing(TILE_SPACING);
        grid.widthProperty().addListener((property, before, now) -> fitTiles(grid));
        model.workers().addListener((ListChangeListener<WorkerInfo>) change -> fitTiles(grid));
        grid.insetsProperty().addListener((property, before, now) -> fitTiles(grid));
        fitTiles(grid);

        FiguresView figures = new FiguresView(model);
        figures.setMinHeight(Region.USE_PREF_SIZE);
        ChartsView charts = new ChartsView(model.throughput());
        VBox.setVgrow(charts, Priority.ALWAYS);
        VBox left = new VBox(figures, grid, charts);
        left.getStyleClass().add("workers-pane");

        WorkerDetailsView details = new WorkerDetailsView(model);
        details.getStyleClass().add("details-pane");
        details.setMinWidth(220);
        details.prefWidthProperty()
                .bind(Bindings.createDoubleBinding(
                        () -> Math.max(220, Math.min(340, widthProperty().get() * 0.24)), widthProperty()));
        // No split panes: what the tab shows is a function of its size alone, so a window that was small and grows
        // again looks as it did before.
        setTop(toolbar(controller, settings));
        setCenter(left);
        setRight(details);
    }

    /**
     * As many tiles in a row as fit at {@link #MIN_TILE_WIDTH}, widened to fill the row, and the grid as high as its
     * rows (up to {@link #ROWS_SHOWN}) so the layout never squeezes it.
     */
    private static void fitTiles(GridView<WorkerInfo> grid) {
        double row = grid.getWidth() - GRID_SCROLL_BAR;
        double slot = MIN_TILE_WIDTH + 2 * TILE_SPACING;
        int columns = Math.max(1, (int) Math.floor(row / slot));
        if (row > 0) {
            grid.setCellWidth(Math.max(MIN_TILE_WIDTH, Math.floor(row / columns - 2 * TILE_SPACING)));
        }
        int rows = Math.max(1, (grid.getItems().size() + columns - 1) / columns);
        Insets insets = grid.getInsets();
        double height = Math.min(rows, ROWS_SHOWN) * (TILE_HEIGHT + 2 * TILE_SPACING)
                + insets.getTop()
                + insets.getBottom()
                + 2;
        grid.setMinHeight(height);
        grid.setPrefHeight(height);
        grid.setMaxHeight(height);
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
