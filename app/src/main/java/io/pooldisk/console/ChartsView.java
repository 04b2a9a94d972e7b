package io.pooldisk.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Side;
import javafx.scene.chart.AreaChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedAreaChart;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.util.StringConverter;

/**
 * Four small charts over the last minutes: workers serving sessions (busy, with lingering stacked on top), queue
 * length, commands/s and KiB/s.
 */
final class ChartsView extends GridPane {

    private static final DateTimeFormatter MINUTES =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final NumberAxis[] timeAxes = new NumberAxis[4];

    ChartsView(Throughput throughput) {
        setId("charts");
        setHgap(4);
        setVgap(4);
        add(
                stackedChart(
                        0,
                        "Workers serving",
                        new XYChart.Series<>("busy", throughput.busy()),
                        new XYChart.Series<>("lingering", throughput.lingering())),
                0,
                0);
        add(chart(1, "Queue length", throughput.queued()), 1, 0);
        add(chart(2, "Commands/s", throughput.commands()), 0, 1);
        add(chart(3, "KiB/s", throughput.kibibytes()), 1, 1);
        for (int i = 0; i < 2; i++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(50);
            getColumnConstraints().add(column);
            RowConstraints row = new RowConstraints();
            row.setPercentHeight(50);
            getRowConstraints().add(row);
        }
        throughput.busy().addListener((ListChangeListener<XYChart.Data<Number, Number>>)
                change -> moveWindow(Instant.now()));
    }

    private AreaChart<Number, Number> chart(
            int index, String title, ObservableList<XYChart.Data<Number, Number>> data) {
        AreaChart<Number, Number> chart = new AreaChart<>(timeAxis(index), valueAxis());
        chart.setLegendVisible(false);
        chart.setCreateSymbols(false);
        chart.getData().add(new XYChart.Series<>(title, data));
        return style(chart, title);
    }

    /**
     * Series stacked one on the other, with a legend to tell them apart: the top of the stack counts the workers
     * holding a session, the lower band those running a command, so a pool that waits for its clients reads apart
     * from one that works.
     */
    @SafeVarargs
    private StackedAreaChart<Number, Number> stackedChart(
            int index, String title, XYChart.Series<Number, Number>... series) {
        StackedAreaChart<Number, Number> chart = new StackedAreaChart<>(timeAxis(index), valueAxis());
        chart.setLegendSide(Side.RIGHT);
        chart.setCreateSymbols(false);
        for (XYChart.Series<Number, Number> one : series) {
            chart.getData().add(one);
        }
        return style(chart, title);
    }

    private NumberAxis timeAxis(int index) {
        NumberAxis time = new NumberAxis();
        time.setAutoRanging(false);
        time.setTickUnit(60);
        time.setMinorTickVisible(false);
        time.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                return MINUTES.format(Instant.ofEpochMilli((long) (seconds.doubleValue() * 1000)));
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException();
            }
        });
        timeAxes[index] = time;
        moveWindow(time, Instant.now());
        return time;
    }

    private static NumberAxis valueAxis() {
        NumberAxis value = new NumberAxis();
        value.setForceZeroInRange(true);
        value.setMinorTickVisible(false);
        return value;
    }

    private static <C extends XYChart<Number, Number>> C style(C chart, String title) {
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.getStyleClass().add("pool-chart");
        GridPane.setHgrow(chart, Priority.ALWAYS);
        GridPane.setVgrow(chart, Priority.ALWAYS);
        return chart;
    }

    private void moveWindow(Instant now) {
        for (NumberAxis axis : timeAxes) {
            moveWindow(axis, now);
        }
    }

    private static void moveWindow(NumberAxis axis, Instant now) {
        double upper = Math.ceil(now.toEpochMilli() / 1000.0);
        axis.setUpperBound(upper);
        axis.setLowerBound(upper - Throughput.WINDOW.toSeconds());
    }
}
