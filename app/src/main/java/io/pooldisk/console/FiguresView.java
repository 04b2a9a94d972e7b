package io.pooldisk.console;

import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.WorkerInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;

/** The pool's figures in php-fpm's spirit, as a strip of small cards: the value, and under it its name. */
final class FiguresView extends FlowPane {

    private final Map<String, Function<PoolSnapshot, String>> figures = new LinkedHashMap<>();
    private final Map<String, Label> values = new LinkedHashMap<>();

    FiguresView(PoolModel model) {
        super(6, 6);
        setId("figures");
        figures.put("start time", s -> Format.CLOCK.format(s.startedAt()));
        figures.put("accepted conn", s -> Long.toString(s.accepted()));
        figures.put("listen queue", s -> Integer.toString(s.queuedNow()));
        figures.put("max listen queue", s -> Integer.toString(s.maxQueued()));
        figures.put("idle workers", s -> Integer.toString(s.idle()));
        figures.put("busy workers", s -> Integer.toString(s.busy()));
        figures.put("lingering workers", s -> Integer.toString(s.lingering()));
        figures.put("total workers", s -> Integer.toString(s.total()));
        figures.put("max workers serving", s -> Integer.toString(s.maxBusy()));
        figures.put("all busy reached", s -> Long.toString(s.allBusyCount()));
        figures.put("requests served", s -> Long.toString(s.requestsServed()));
        figures.put("slow commands", s -> Long.toString(s.slowCommands()));
        figures.put("rejected", s -> Long.toString(s.rejected()));
        figures.put(
                "memory",
                s -> Format.bytes(
                        s.workers().stream().mapToLong(WorkerInfo::rssBytes).sum()));
        for (String name : figures.keySet()) {
            Label value = new Label("—");
            value.setId("figure-" + name.replace(' ', '-'));
            value.getStyleClass().add("figure-value");
            Label caption = new Label(name);
            caption.getStyleClass().add("figure-name");
            VBox card = new VBox(value, caption);
            card.getStyleClass().add("figure");
            values.put(name, value);
            getChildren().add(card);
        }
        model.snapshotProperty().addListener((property, before, now) -> show(now));
    }

    private void show(PoolSnapshot snapshot) {
        figures.forEach((name, figure) -> values.get(name).setText(snapshot == null ? "—" : figure.apply(snapshot)));
    }
}
