package io.pooldisk.console;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The admin console: starts the pool in-process, shows it, and stops it when the window goes. */
public final class ConsoleApp extends Application {

    private PoolController controller;
    private ConsoleView view;

    @Override
    public void start(Stage stage) {
        controller = new PoolController(ConsoleOptions.parse(getParameters().getRaw()).toConfig());
        view = new ConsoleView(controller);
        stage.setTitle("PoolDisk console");
        stage.setScene(new Scene(view, 1000, 680));
        stage.show();
        controller.start();
    }

    @Override
    public void stop() {
        view.close();
        controller.close();
    }
}
