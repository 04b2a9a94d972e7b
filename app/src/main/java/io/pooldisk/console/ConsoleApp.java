package io.pooldisk.console;

import atlantafx.base.theme.PrimerLight;
import io.pooldisk.clientgui.WindowSize;
import io.pooldisk.pool.PoolConfig;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

/**
 * The admin console: starts the pool in-process (or attaches to a headless one with {@code --attach DIR}), shows it,
 * and stops it when the window goes, having asked first when sessions are open ({@link CloseGuard}): it may keep
 * running headless instead. The settings come from the settings file, then the command line; they and the window's
 * place are saved on exit.
 */
public final class ConsoleApp extends Application {

    /** The first size, when the screen has room for it. */
    static final double WIDTH = 1280;

    static final double HEIGHT = 800;

    /** The smallest window that still shows the worker grid of an eight-worker pool whole. */
    static final double MIN_WIDTH = 900;

    static final double MIN_HEIGHT = 560;

    private ConsoleSettings saved;
    private SettingsModel settings;
    private PoolController controller;
    private ConsoleView view;
    private Stage stage;

    /** The theme every console window uses (popups and dialogs too). */
    static void useTheme() {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
    }

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        useTheme();
        saved = ConsoleSettings.load(ConsoleSettings.defaultFile());
        ServerSettings server = ConsoleOptions.parse(getParameters().getRaw(), saved.server());
        settings = new SettingsModel(PoolConfig.builder().build(), server);
        controller = new PoolController();
        view = new ConsoleView(controller, settings);
        view.tabs()
                .getSelectionModel()
                .select(Math.max(0, Math.min(saved.tab(), view.tabs().getTabs().size() - 1)));
        stage.setTitle("PoolDisk console");
        stage.setScene(new Scene(view));
        saved.window().filter(ConsoleApp::onSomeScreen).ifPresent(bounds -> {
            stage.setX(bounds.getMinX());
            stage.setY(bounds.getMinY());
            stage.setWidth(bounds.getWidth());
            stage.setHeight(bounds.getHeight());
        });
        stage.setMaximized(saved.maximized());
        CloseGuard.install(stage, controller, kept -> {
            HeadlessServer.keep(kept);
            Platform.exit();
        });
        WindowSize.show(stage, WIDTH, HEIGHT, MIN_WIDTH, MIN_HEIGHT);
        ConsoleOptions.attach(getParameters().getRaw())
                .ifPresentOrElse(controller::attach, () -> controller.start(settings));
    }

    @Override
    public void stop() {
        saved.server(settings.settings());
        saved.tab(view.tabs().getSelectionModel().getSelectedIndex());
        saved.maximized(stage.isMaximized());
        if (!stage.isMaximized()) {
            saved.window(new Rectangle2D(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight()));
        }
        saved.save().ifPresent(System.err::println);
        view.close();
        controller.close();
    }

    private static boolean onSomeScreen(Rectangle2D bounds) {
        return !Screen.getScreensForRectangle(bounds).isEmpty();
    }
}
