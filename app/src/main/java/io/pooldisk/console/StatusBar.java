package io.pooldisk.console;

import io.pooldisk.pool.PoolSnapshot;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The line at the bottom: where the server listens (and the data directory of the server the console is attached to,
 * or that it stopped), idle, busy and lingering workers, sessions, throughput. */
final class StatusBar extends HBox {

    StatusBar(PoolController controller) {
        super(10);
        getStyleClass().add("status-bar");
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(4, 10, 4, 10));
        PoolModel model = controller.model();
        Throughput throughput = model.throughput();

        Label address = new Label(null, new FontIcon(Feather.SERVER));
        address.setId("address");
        address.setMinWidth(Region.USE_PREF_SIZE);
        address.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> describe(controller),
                        controller.statusProperty(),
                        controller.addressProperty(),
                        controller.attachedToProperty(),
                        controller.stoppedTextProperty()));
        Label workers = label("statusWorkers", Feather.CPU);
        Label sessions = label("statusSessions", Feather.USERS);
        Label rate = label("statusThroughput", Feather.ACTIVITY);
        workers.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            PoolSnapshot s = model.snapshotProperty().get();
                            return s == null
                                    ? "no workers"
                                    : s.idle() + " idle · " + s.busy() + " busy · " + s.lingering() + " lingering";
                        },
                        model.snapshotProperty()));
        sessions.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> {
                            PoolSnapshot s = model.snapshotProperty().get();
                            return Format.count(s == null ? 0 : s.sessions().size(), "session");
                        },
                        model.snapshotProperty()));
        rate.textProperty()
                .bind(Bindings.createStringBinding(
                        () -> Format.perSecond(throughput
                                                .commandsPerSecondProperty()
                                                .get())
                                        .replace("/s", " cmd/s") + " · "
                                + Format.rate(
                                        throughput.bytesPerSecondProperty().get()),
                        throughput.commandsPerSecondProperty(),
                        throughput.bytesPerSecondProperty()));
        getChildren().addAll(address, separator(), workers, separator(), sessions, separator(), rate);
    }

    private static Label label(String id, Feather icon) {
        Label label = new Label(null, new FontIcon(icon));
        label.setId(id);
        return label;
    }

    private static Separator separator() {
        return new Separator(Orientation.VERTICAL);
    }

    private static String describe(PoolController controller) {
        InetSocketAddress address = controller.addressProperty().get();
        Path attached = controller.attachedToProperty().get();
        String where = address == null ? null : address.getHostString() + ":" + address.getPort();
        return switch (controller.statusProperty().get()) {
            case STOPPED -> controller.stoppedTextProperty().get();
            case STARTING -> "Starting…";
            case RUNNING -> {
                if (attached != null) {
                    yield "Attached to " + attached + (where == null ? "" : " · listening on " + where);
                }
                yield where == null ? "Running" : "Listening on " + where;
            }
            case STOPPING -> "Stopping…";
        };
    }
}
