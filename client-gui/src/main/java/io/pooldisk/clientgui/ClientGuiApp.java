package io.pooldisk.clientgui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The echo client in a window of its own, aimed at 127.0.0.1:8080 (editable in the window).
 * {@code main} stays outside the {@link Application} subclass so the class also starts from a plain class path.
 */
public final class ClientGuiApp {

    private ClientGuiApp() {
    }

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    /** The JavaFX application itself. */
    public static final class Window extends Application {

        private EchoPane echo;

        @Override
        public void start(Stage stage) {
            echo = new EchoPane("127.0.0.1", 8080);
            stage.setTitle("PoolDisk client");
            stage.setScene(new Scene(echo, 640, 420));
            stage.show();
        }

        @Override
        public void stop() {
            echo.close();
        }
    }
}
