package io.pooldisk.console;

import io.pooldisk.clientgui.EchoPane;
import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.WorkerInfo;
import java.net.InetSocketAddress;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import org.controlsfx.control.GridView;

/** The console window's content: a toolbar over the Workers tab (tiles and log) and the Client tab. */
final class ConsoleView extends BorderPane implements AutoCloseable {

    private final PoolController controller;
    private final EchoPane echo;

    ConsoleView(PoolController controller) {
        this.controller = controller;
        InetSocketAddress bind = controller.config().bind();
        echo = new EchoPane(bind.getHostString(), bind.getPort());
        controller.addressProperty().addListener((property, before, now) -> {
            if (now != null) {
                echo.target(now.getHostString(), now.getPort());
            }
        });

        TabPane tabs = new TabPane(new Tab("Workers", workersAndLog()), new Tab("Client", echo));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setTop(toolbar());
        setCenter(tabs);
        getStylesheets().add(ConsoleView.class.getResource("console.css").toExternalForm());
    }

    private ToolBar toolbar() {
        Button start = new Button("Start");
        start.setId("start");
        start.setOnAction(event -> controller.start());
        start.disableProperty().bind(controller.statusProperty().isNotEqualTo(PoolController.Status.STOPPED));

        Button stop = new Button("Stop");
        stop.setId("stop");
        stop.setOnAction(event -> controller.stop());
        stop.disableProperty().bind(controller.statusProperty().isNotEqualTo(PoolController.Status.RUNNING));

        Label address = new Label();
        address.setId("address");
        address.textProperty().bind(Bindings.createStringBinding(this::describeStatus,
                controller.statusProperty(), controller.addressProperty()));

        Label failure = new Label();
        failure.setId("startFailure");
        failure.getStyleClass().add("start-failure");
        failure.textProperty().bind(controller.failureProperty());

        return new ToolBar(start, stop, new Separator(), address, failure);
    }

    private String describeStatus() {
        InetSocketAddress address = controller.addressProperty().get();
        return switch (controller.statusProperty().get()) {
            case STOPPED -> "Stopped";
            case STARTING -> "Starting…";
            case RUNNING -> "Listening on " + address.getHostString() + ":" + address.getPort();
            case STOPPING -> "Stopping…";
        };
    }

    private SplitPane workersAndLog() {
        GridView<WorkerInfo> grid = new GridView<>(controller.model().workers());
        grid.setId("workers");
        grid.setCellFactory(view -> new WorkerTile());
        grid.setCellWidth(190);
        grid.setCellHeight(90);

        ListView<PoolEvent> log = new ListView<>(controller.model().events());
        log.setId("log");
        log.setCellFactory(view -> new EventCell());
        log.getItems().addListener((ListChangeListener<PoolEvent>) change -> log.scrollTo(log.getItems().size() - 1));

        SplitPane split = new SplitPane(grid, log);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        return split;
    }

    /** Ends the Client tab's connection. */
    @Override
    public void close() {
        echo.close();
    }
}
