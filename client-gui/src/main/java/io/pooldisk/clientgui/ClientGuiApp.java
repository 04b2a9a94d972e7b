package io.pooldisk.clientgui;

import atlantafx.base.theme.PrimerLight;
import io.pooldisk.protocol.DefaultAddress;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The client in a window of its own. Arguments (optional): {@code [host [port]]}; without them the pane starts at the
 * server used last, or 127.0.0.1:8080. {@code main} stays outside the {@link Application} subclass so the class also
 * starts from a plain class path and a shaded jar.
 */
public final class ClientGuiApp {

    private ClientGuiApp() {}

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    /** The JavaFX application itself. */
    public static final class Window extends Application {

        private ClientPane client;

        @Override
        public void start(Stage stage) {
            Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
            java.util.List<String> args = getParameters().getUnnamed();
            client = args.isEmpty()
                    ? new ClientPane()
                    : new ClientPane(
                            args.get(0), args.size() > 1 ? Integer.parseInt(args.get(1)) : DefaultAddress.PORT);
            stage.setTitle("PoolDisk");
            stage.setScene(new Scene(client));
            WindowSize.show(stage, 1180, 760, 760, 480);
        }

        @Override
        public void stop() {
            client.close();
        }
    }
}
