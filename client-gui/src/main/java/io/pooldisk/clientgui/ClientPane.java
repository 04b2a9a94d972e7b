package io.pooldisk.clientgui;

import io.pooldisk.protocol.DefaultAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.PasswordField;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The PoolDisk client in one pane: a connect bar, the remote files, the transfer queue and the echo area. The console
 * embeds it as its Client tab; {@link ClientGuiApp} shows it in a window of its own. All network work runs on
 * background threads; results come back with {@link Platform#runLater}. Close it when done.
 */
public final class ClientPane extends BorderPane implements AutoCloseable {

    private final Notifier notifier = new Notifier();
    private final RecentServers recents;
    private final ClientSession session;
    private final FilesModel files;
    private final TransferQueue transfers;
    private final EchoModel echo;

    private final TextField host = new TextField();
    private final TextField port = new TextField();
    private final TextField user = new TextField();
    private final PasswordField password = new PasswordField();
    private final CheckBox tls = new CheckBox("TLS");
    private final MenuButton recent = new MenuButton(null, new FontIcon(Feather.CLOCK));
    private final Button connect = new Button();
    private final FilesView filesView;
    private LocalChooser chooser = LocalChooser.DESKTOP;

    /** Aimed at the server used last, or 127.0.0.1:8080. */
    public ClientPane() {
        this(null, 0, RecentServers.forUser());
    }

    /** Aimed at {@code host}:{@code port} (the console passes its own pool's address). */
    public ClientPane(String host, int port) {
        this(host, port, RecentServers.forUser());
    }

    ClientPane(String host, int port, RecentServers recents) {
        this.recents = recents;
        Executor ui = Platform::runLater;
        session = new ClientSession(ui, notifier, recents);
        session.setCertificateQuestion(ClientPane::askToTrust);
        files = new FilesModel(session, notifier);
        transfers = new TransferQueue(session, notifier, ui);
        echo = new EchoModel(session);
        session.onConnected(() -> {
            if (session.loggedIn()) {
                files.load("/");
            } else {
                files.clear();
            }
        });
        session.onDisconnected(() -> {
            files.clear();
            transfers.stopAll();
        });
        transfers.onDone(t -> {
            if (t.kind() == Transfer.Kind.UPLOAD) {
                files.changed(Formats.parent(t.remote()));
            }
        });

        getStyleClass().add("client-pane");
        getStylesheets().add(ClientPane.class.getResource("client.css").toExternalForm());
        filesView = new FilesView(files, transfers, session, () -> chooser);
        EchoView echoView = new EchoView(echo, this::connectForEcho);
        TransfersView transfersView = new TransfersView(transfers);

        SplitPane lower = new SplitPane(transfersView, echoView);
        lower.setOrientation(Orientation.HORIZONTAL);
        lower.setDividerPositions(0.7);
        SplitPane main = new SplitPane(filesView, lower);
        main.setOrientation(Orientation.VERTICAL);
        main.setDividerPositions(0.58);
        main.setId("clientSplit");

        setTop(new VBox(6, connectBar(), banner()));
        setCenter(main);
        BorderPane.setMargin(main, new javafx.geometry.Insets(6, 0, 0, 0));

        if (host != null) {
            target(host, port);
        } else {
            List<RecentServers.Server> known = recents.list();
            if (known.isEmpty()) {
                target(DefaultAddress.HOST, DefaultAddress.PORT);
            } else {
                fill(known.get(0));
            }
        }
    }

    // ---------------------------------------------------------------- the connect bar

    private HBox connectBar() {
        host.setId("host");
        host.setPromptText("Server");
        host.setPrefColumnCount(10);
        port.setId("port");
        port.setPromptText("Port");
        port.setPrefColumnCount(6); // five digits, with the field's padding
        port.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        user.setId("user");
        user.setPromptText("User");
        user.setTooltip(new Tooltip("Your user name; leave it empty to connect without logging in (echo only)"));
        user.setPrefColumnCount(8);
        password.setId("password");
        password.setPromptText("Password");
        password.setPrefColumnCount(8);
        password.setOnAction(e -> connectOrDisconnect());
        user.setOnAction(e -> password.requestFocus());
        tls.setId("tls");
        tls.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        tls.setTooltip(new Tooltip("Connect over TLS, to a TLS-terminating proxy (HAProxy) in front of the server."
                + " A certificate the system does not vouch for is shown by its fingerprint for you to trust."));

        recent.setId("recent");
        recent.setTooltip(new Tooltip("Recent servers"));
        recent.setOnShowing(e -> fillRecentMenu());
        fillRecentMenu();

        connect.setId("connect");
        connect.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> session.state() == ClientSession.State.DISCONNECTED ? "Connect" : "Disconnect",
                        session.stateProperty()));
        connect.graphicProperty()
                .bind(Bindings.createObjectBinding(
                        () -> new FontIcon(
                                session.state() == ClientSession.State.DISCONNECTED ? Feather.LOG_IN : Feather.LOG_OUT),
                        session.stateProperty()));
        connect.setDefaultButton(false);
        connect.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        recent.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        connect.setOnAction(e -> connectOrDisconnect());
        for (javafx.scene.control.Control f : List.of(host, port, user, password, tls)) {
            f.disableProperty().bind(session.stateProperty().isNotEqualTo(ClientSession.State.DISCONNECTED));
        }

        Circle dot = new Circle(5);
        dot.getStyleClass().add("status-dot");
        session.stateProperty().addListener((p, was, now) -> {
            dot.getStyleClass().removeAll("connected", "working", "failed");
            switch (now) {
                case CONNECTED -> dot.getStyleClass().add("connected");
                case CONNECTING, RECONNECTING -> dot.getStyleClass().add("working");
                case DISCONNECTED -> {
                    if (!session.statusProperty().get().equals("Not connected")) {
                        dot.getStyleClass().add("failed");
                    }
                }
            }
        });
        Label status = new Label();
        status.setId("connectionStatus");
        status.getStyleClass().add("connection-status");
        status.textProperty().bind(session.statusProperty());
        Tooltip statusTip = new Tooltip();
        statusTip.textProperty().bind(session.statusProperty());
        status.setTooltip(statusTip);
        status.setMinWidth(0);
        status.setTextOverrun(javafx.scene.control.OverrunStyle.CENTER_ELLIPSIS); // both ends say something
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);

        HBox bar = new HBox(
                6,
                label("Server"),
                host,
                label(":"),
                port,
                label("User"),
                user,
                label("Password"),
                password,
                tls,
                recent,
                connect,
                dot,
                status);
        bar.getStyleClass().add("connect-bar");
        return bar;
    }

    /**
     * A TLS certificate nobody vouches for (self-signed): its fingerprint, to compare with the server's, and the
     * choice, as ssh asks about a host key it does not know. Trusted, it is remembered in known_servers.
     */
    static boolean askToTrust(io.pooldisk.client.UntrustedCertificateException certificate) {
        ButtonType trust = new ButtonType("Trust and connect", ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.WARNING, "", trust, ButtonType.CANCEL);
        alert.setTitle("Unknown TLS certificate");
        alert.setHeaderText("The certificate of " + certificate.server() + " is not vouched for by this system.");
        javafx.scene.control.TextArea details = new javafx.scene.control.TextArea("Its SHA-256 fingerprint:\n"
                + certificate.fingerprint() + "\n\nCompare it with the server's (on the server: openssl x509 -noout"
                + " -fingerprint -sha256 -in CERT). Trust it only if they are the same; it is then remembered, and a"
                + " change is refused with a warning.\n\n(" + certificate.reason() + ")");
        details.setEditable(false);
        details.setWrapText(true);
        details.setPrefRowCount(7);
        details.setId("certificateFingerprint");
        alert.getDialogPane().setContent(details);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        ((Button) alert.getDialogPane().lookupButton(trust)).setDefaultButton(false);
        return alert.showAndWait().filter(trust::equals).isPresent();
    }

    private static Label label(String text) {
        Label l = new Label(text);
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    private void fillRecentMenu() {
        recent.getItems().clear();
        List<RecentServers.Server> known = recents.list();
        if (known.isEmpty()) {
            MenuItem none = new MenuItem("No recent servers");
            none.setDisable(true);
            recent.getItems().add(none);
            return;
        }
        for (RecentServers.Server s : known) {
            MenuItem item = new MenuItem(s.label());
            item.setOnAction(e -> fill(s));
            recent.getItems().add(item);
        }
        MenuItem forget = new MenuItem("Forget recent servers");
        forget.setOnAction(e -> recents.clear());
        recent.getItems().addAll(new SeparatorMenuItem(), forget);
    }

    private void fill(RecentServers.Server s) {
        if (session.state() != ClientSession.State.DISCONNECTED) {
            return;
        }
        host.setText(s.host());
        port.setText(Integer.toString(s.port()));
        user.setText(s.user());
        tls.setSelected(s.tls());
        password.clear();
        password.requestFocus();
    }

    private void connectOrDisconnect() {
        if (session.state() != ClientSession.State.DISCONNECTED) {
            session.disconnect();
            return;
        }
        Integer p = port();
        if (p == null) {
            return;
        }
        notifier.dismiss();
        session.connect(host.getText(), p, user.getText(), password.getText().toCharArray(), tls.isSelected());
    }

    /** Before an echo: connects without a user if nothing is connected yet, so echo works at once. */
    private void connectForEcho() {
        if (session.state() == ClientSession.State.DISCONNECTED) {
            Integer p = port();
            if (p != null) {
                session.connect(
                        host.getText(), p, user.getText(), password.getText().toCharArray(), tls.isSelected());
            }
        }
    }

    private Integer port() {
        try {
            int p = Integer.parseInt(port.getText().strip());
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // told below
        }
        notifier.error("\"" + port.getText() + "\" is not a port: use a number from 1 to 65535.");
        return null;
    }

    // ---------------------------------------------------------------- the banner

    private HBox banner() {
        Label text = new Label();
        text.setId("bannerText");
        text.getStyleClass().add("banner-text");
        text.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(text, Priority.ALWAYS);
        Button close = new Button(null, new FontIcon(Feather.X));
        close.setId("bannerClose");
        close.getStyleClass().add("flat");
        close.setOnAction(e -> notifier.dismiss());
        FontIcon icon = new FontIcon(Feather.INFO);
        HBox banner = new HBox(8, icon, text, close);
        banner.setId("banner");
        banner.getStyleClass().add("banner");
        banner.setAlignment(Pos.CENTER_LEFT);
        banner.setVisible(false);
        banner.setManaged(false);
        PauseTransition fade = new PauseTransition(Duration.seconds(6));
        notifier.currentProperty().addListener((p, was, now) -> {
            fade.stop();
            banner.setVisible(now != null);
            banner.setManaged(now != null);
            banner.getStyleClass().removeAll("error", "info");
            if (now == null) {
                text.setText("");
                return;
            }
            boolean error = now.level() == Notifier.Level.ERROR;
            banner.getStyleClass().add(error ? "error" : "info");
            icon.setIconCode(error ? Feather.ALERT_TRIANGLE : Feather.INFO);
            text.setText(now.text());
            if (!error) {
                fade.setOnFinished(e -> {
                    if (notifier.current() == now) {
                        notifier.dismiss();
                    }
                });
                fade.playFromStart();
            }
        });
        return banner;
    }

    // ---------------------------------------------------------------- for the console and for tests

    /** Points the connect bar at another server (ignored while connected). */
    public void target(String host, int port) {
        if (session.state() == ClientSession.State.DISCONNECTED) {
            this.host.setText(host);
            this.port.setText(Integer.toString(port));
        }
    }

    /** How local files and folders are picked (default: the desktop's dialogs). */
    public void setLocalChooser(LocalChooser chooser) {
        this.chooser = chooser == null ? LocalChooser.DESKTOP : chooser;
    }

    /** Uploads local files and folders into the remote folder on show, as dropping them on the table does. */
    public void upload(List<Path> locals) {
        filesView.upload(locals);
    }

    ClientSession session() {
        return session;
    }

    FilesModel files() {
        return files;
    }

    TransferQueue transfers() {
        return transfers;
    }

    EchoModel echo() {
        return echo;
    }

    Notifier notifier() {
        return notifier;
    }

    /** Stops the transfers (what they moved is kept for a later resume), says goodbye and ends the threads. */
    @Override
    public void close() {
        transfers.close();
        session.close();
    }
}
