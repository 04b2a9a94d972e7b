package io.pooldisk.console;

import io.pooldisk.pool.PoolSnapshot;
import java.time.Duration;
import java.time.Instant;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.chart.XYChart;

/**
 * Rates derived from successive snapshots (commands and bytes a second), and the chart series over the last
 * {@link #WINDOW}: busy and lingering workers, queue length, commands/s and KiB/s, one point per sample, x in epoch
 * seconds.
 */
final class Throughput {

    static final Duration WINDOW = Duration.ofMinutes(5);

    private final DoubleProperty commandsPerSecond = new SimpleDoubleProperty();
    private final DoubleProperty bytesPerSecond = new SimpleDoubleProperty();
    private final ObservableList<XYChart.Data<Number, Number>> busy = FXCollections.observableArrayList();
    private final ObservableList<XYChart.Data<Number, Number>> lingering = FXCollections.observableArrayList();
    private final ObservableList<XYChart.Data<Number, Number>> queued = FXCollections.observableArrayList();
    private final ObservableList<XYChart.Data<Number, Number>> commands = FXCollections.observableArrayList();
    private final ObservableList<XYChart.Data<Number, Number>> kibibytes = FXCollections.observableArrayList();
    private Instant previousAt;
    private PoolSnapshot previous;

    void sample(Instant now, PoolSnapshot snapshot) {
        if (previous != null && now.isAfter(previousAt) && previous.startedAt().equals(snapshot.startedAt())) {
            double seconds = Duration.between(previousAt, now).toMillis() / 1000.0;
            commandsPerSecond.set((snapshot.requestsServed() - previous.requestsServed()) / seconds);
            bytesPerSecond.set((moved(snapshot) - moved(previous)) / seconds);
        }
        previousAt = now;
        previous = snapshot;
        double x = now.toEpochMilli() / 1000.0;
        add(busy, x, snapshot.busy());
        add(lingering, x, snapshot.lingering());
        add(queued, x, snapshot.queuedNow());
        add(commands, x, commandsPerSecond.get());
        add(kibibytes, x, bytesPerSecond.get() / 1024);
    }

    void reset() {
        previous = null;
        previousAt = null;
        commandsPerSecond.set(0);
        bytesPerSecond.set(0);
    }

    DoubleProperty commandsPerSecondProperty() {
        return commandsPerSecond;
    }

    DoubleProperty bytesPerSecondProperty() {
        return bytesPerSecond;
    }

    ObservableList<XYChart.Data<Number, Number>> busy() {
        return busy;
    }

    ObservableList<XYChart.Data<Number, Number>> lingering() {
        return lingering;
    }

    ObservableList<XYChart.Data<Number, Number>> queued() {
        return queued;
    }

    ObservableList<XYChart.Data<Number, Number>> commands() {
        return commands;
    }

    ObservableList<XYChart.Data<Number, Number>> kibibytes() {
        return kibibytes;
    }

    private static long moved(PoolSnapshot snapshot) {
        return snapshot.bytesIn() + snapshot.bytesOut();
    }

    private static void add(ObservableList<XYChart.Data<Number, Number>> series, double x, double y) {
        series.add(new XYChart.Data<>(x, y));
        double oldest = x - WINDOW.toSeconds();
        int stale = 0;
        while (stale < series.size() && series.get(stale).getXValue().doubleValue() < oldest) {
            stale++;
        }
        series.remove(0, stale);
    }
}
