package io.pooldisk.clientgui;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * Sends {@code ECHO <text>} to a PoolDisk server when Enter is pressed and lists each reply with its
 * round-trip time. The network work runs on one background thread over one kept connection.
 */
public final class EchoPane extends BorderPane implements AutoCloseable {

    private final TextField host = new TextField();
    private final TextField port = new TextField();
    private final TextField text = new TextField();
    private final ListView<String> replies = new ListView<>();
    private final EchoConnection connection = new EchoConnection();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "echo-sender");
        thread.setDaemon(true);
        return thread;
    });

    public EchoPane(String host, int port) {
        this.host.setId("echoHost");
        this.port.setId("echoPort");
        this.port.setPrefColumnCount(6);
        text.setId("echoText");
        text.setPromptText("Text to echo, then Enter");
        text.setOnAction(event -> send());
        replies.setId("echoReplies");
        target(host, port);

        HBox server = new HBox(8, new Label("Host"), this.host, new Label("Port"), this.port);
        server.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox input = new HBox(8, new Label("ECHO"), text);
        input.setAlignment(Pos.CENTER_LEFT);
        setTop(server);
        setCenter(replies);
        setBottom(input);
        setPadding(new Insets(8));
        BorderPane.setMargin(replies, new Insets(8, 0, 8, 0));
    }

    /** Points the pane at another server; the next line opens a connection there. */
    public void target(String host, int port) {
        this.host.setText(host);
        this.port.setText(Integer.toString(port));
    }

    private void send() {
        InetSocketAddress server;
        try {
            server = InetSocketAddress.createUnresolved(host.getText().strip(), Integer.parseInt(port.getText().strip()));
        } catch (IllegalArgumentException badPort) {
            show("not a port: " + port.getText());
            return;
        }
        String line = "ECHO " + text.getText();
        text.clear();
        sender.execute(() -> {
            String shown;
            try {
                shown = connection.exchange(server, line).display();
            } catch (IOException e) {
                shown = "no reply from " + server.getHostString() + ":" + server.getPort() + ": " + describe(e);
            }
            String reply = shown;
            Platform.runLater(() -> show(reply));
        });
    }

    private void show(String line) {
        replies.getItems().add(line);
        replies.scrollTo(replies.getItems().size() - 1);
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Says goodbye to the server and ends the background thread. */
    @Override
    public void close() {
        sender.execute(connection::close);
        sender.shutdown();
    }
}
