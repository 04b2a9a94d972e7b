package io.pooldisk.console;

import io.pooldisk.clientgui.ClientPane;
import java.nio.file.Path;
import java.time.Instant;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The console window's content: start/stop over the tabs (Pool, Sessions, Log, Users, Client, Settings) and the
 * status bar. Takes the pool's changes over ten times a second and samples rates once a second. Shortcuts: F5
 * starts, Shift+F5 stops, Ctrl+1 to Ctrl+6 pick a tab.
 */
final class ConsoleView extends BorderPane implements AutoCloseable {

    static final KeyCombination START = new KeyCodeCombination(KeyCode.F5);
    static final KeyCombination STOP = new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN);

    private final PoolController controller;
    private final SettingsModel settings;
    private final ClientPane client;
    private final UsersModel users;
    private final BansModel bans;
    private final TabPane tabs = new TabPane();
    private final Timeline ticker;

    ConsoleView(PoolController controller, SettingsModel settings) {
        this.controller = controller;
        this.settings = settings;
        client = new ClientPane(
                settings.hostProperty().get(), settings.portProperty().get());
        controller.addressProperty().addListener((property, before, now) -> {
            if (now != null) {
                client.target(now.getHostString(), now.getPort());
            }
        });
        // Attached, the Users tab opens the attached server's database, as 'pooldisk user' would.
        users = new UsersModel(
                () -> controller.attachedToProperty().get() != null
                        ? controller.attachedToProperty().get()
                        : Path.of(settings.dataDirProperty().get().strip()),
                controller::audit);
        Tab usersTab = tab("Users", Feather.USER, new UsersView(users));
        usersTab.setOnSelectionChanged(event -> {
            if (usersTab.isSelected()) {
                users.refresh();
            }
        });
        bans = new BansModel(
                controller::handle,
                () -> Path.of(settings.dataDirProperty().get().strip()));
        Tab sessionsTab = tab("Sessions", Feather.USERS, new SessionsView(controller, bans));
        sessionsTab.setOnSelectionChanged(event -> {
            if (sessionsTab.isSelected()) {
                bans.refresh();
            }
        });
        controller.statusProperty().addListener((property, before, now) -> bans.refresh()); // the list's source
        BooleanBinding notStopped = controller.statusProperty().isNotEqualTo(PoolController.Status.STOPPED);
        tabs.setId("tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs()
                .addAll(
                        tab("Pool", Feather.GRID, new PoolView(controller, settings)),
                        sessionsTab,
                        tab("Log", Feather.FILE_TEXT, new LogView(controller)),
                        usersTab,
                        tab("Client", Feather.MESSAGE_SQUARE, client),
                        tab("Settings", Feather.SETTINGS, new SettingsView(settings, notStopped)));
        setTop(new VBox(toolbar(notStopped), failureBanner()));
        setCenter(tabs);
        setBottom(new StatusBar(controller));
        getStylesheets().add(ConsoleView.class.getResource("console.css").toExternalForm());
        addEventFilter(KeyEvent.KEY_PRESSED, this::shortcut);

        PoolModel model = controller.model();
        int[] flushes = {0};
        ticker = new Timeline(new KeyFrame(Duration.millis(100), event -> {
            model.flush();
            if (++flushes[0] % 10 == 0) {
                model.tick(Instant.now());
            }
        }));
        ticker.setCycleCount(Timeline.INDEFINITE);
        ticker.play();
    }

    TabPane tabs() {
        return tabs;
    }

    private static Tab tab(String title, Ikon icon, javafx.scene.Node content) {
        Tab tab = new Tab(title, content);
        tab.setId("tab" + title);
        tab.setGraphic(new FontIcon(icon));
        return tab;
    }

    private ToolBar toolbar(BooleanBinding notStopped) {
        Button start = new Button("Start", new FontIcon(Feather.PLAY));
        start.setId("start");
        start.setTooltip(new Tooltip("Start the server (F5)"));
        start.setOnAction(event -> controller.start(settings));
        start.disableProperty().bind(notStopped);

        Button stop = new Button("Stop", new FontIcon(Feather.STOP_CIRCLE));
        stop.setId("stop");
        stop.setTooltip(new Tooltip("Stop the server gracefully, or detach from an attached one (Shift+F5)"));
        stop.setOnAction(event -> controller.stop());
        stop.disableProperty().bind(controller.statusProperty().isNotEqualTo(PoolController.Status.RUNNING));
        stop.textProperty()
                .bind(javafx.beans.binding.Bindings.when(
                                controller.attachedToProperty().isNotNull())
                        .then("Detach")
                        .otherwise("Stop"));

        Button attach = new Button("Attach…", new FontIcon(Feather.LINK));
        attach.setId("attach");
        attach.setTooltip(new Tooltip("Attach to a running server: choose its data directory"));
        attach.setOnAction(event -> chooseAndAttach());
        attach.disableProperty().bind(notStopped);

        Label title = new Label("PoolDisk", new FontIcon(Feather.HARD_DRIVE));
        title.getStyleClass().add("title-4");
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        return new ToolBar(title, gap, start, stop, attach);
    }

    /** "Attach to a running server…": a directory chooser, opened at the data directory of the settings. */
    private void chooseAndAttach() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Attach to a running server: its data directory");
        java.io.File initial = Path.of(settings.dataDirProperty().get().strip()).toFile();
        if (initial.isDirectory()) {
            chooser.setInitialDirectory(initial);
        }
        java.io.File chosen =
                chooser.showDialog(getScene() == null ? null : getScene().getWindow());
        if (chosen != null) {
            controller.attach(chosen.toPath());
        }
    }

    /** Says why the server could not start or stopped by itself, until closed or the next start. */
    private HBox failureBanner() {
        Label failure = new Label();
        failure.setId("startFailure");
        failure.setWrapText(true);
        failure.textProperty().bind(controller.failureProperty());
        Button attach = new Button("Attach", new FontIcon(Feather.LINK));
        attach.setId("attachBanner");
        attach.setOnAction(
                event -> controller.attach(controller.attachableProperty().get()));
        attach.visibleProperty().bind(controller.attachableProperty().isNotNull());
        attach.managedProperty().bind(attach.visibleProperty());
        Button dismiss = new Button(null, new FontIcon(Feather.X));
        dismiss.getStyleClass().addAll("button-icon", "flat");
        dismiss.setOnAction(event -> controller.dismissFailure());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox banner = new HBox(10, new FontIcon(Feather.ALERT_TRIANGLE), failure, gap, attach, dismiss);
        banner.setId("failureBanner");
        banner.getStyleClass().add("failure-banner");
        banner.setAlignment(Pos.CENTER_LEFT);
        banner.visibleProperty().bind(controller.failureProperty().isNotEmpty());
        banner.managedProperty().bind(banner.visibleProperty());
        return banner;
    }

    private void shortcut(KeyEvent event) {
        if (START.match(event)) {
            controller.start(settings);
        } else if (STOP.match(event)) {
            controller.stop();
        } else if (event.isShortcutDown() && event.getCode().isDigitKey()) {
            int index = event.getCode().getChar().charAt(0) - '1';
            if (index >= 0 && index < tabs.getTabs().size()) {
                tabs.getSelectionModel().select(index);
            }
        } else {
            return;
        }
        event.consume();
    }

    /** Stops the updates, the accounts thread and the Client tab's connection. */
    @Override
    public void close() {
        ticker.stop();
        users.close();
        bans.close();
        client.close();
    }
}
