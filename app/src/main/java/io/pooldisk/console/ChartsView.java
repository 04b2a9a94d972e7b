package io.pooldisk.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
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

    /** Below this height two rows of charts are too flat to read. */
    private static final double FLAT = 300;

    /** The narrowest a chart in a row of four gets. */
    private static final double NARROW = 180;

    private final NumberAxis[] timeAxes = new NumberAxis[4];
    private final List<XYChart<Number, Number>> charts;

    ChartsView(Throughput throughput) {
        setId("charts");
        setHgap(4);
        setVgap(4);
        charts = List.of(
                stackedChart(
                        0,
                        "Workers serving",
                        new XYChart.Series<>("busy", throughput.busy()),
                        new XYChart.Series<>("lingering", throughput.lingering())),
                chart(1, "Queue length", throughput.queued()),
                chart(2, "Commands/s", throughput.commands()),
                chart(3, "KiB/s", throughput.kibibytes()));
        getChildren().addAll(charts);
        setMinSize(0, 0);
        arrange(2);
        widthProperty().addListener((property, before, now) -> rearrange());
        heightProperty().addListener((property, before, now) -> rearrange());
        throughput.busy().addListener((ListChangeListener<XYChart.Data<Number, Number>>)
                change -> moveWindow(Instant.now()));
    }

    /** Four in a row where two rows would each be too flat to read, else two by two. */
    private void rearrange() {
        double width = getWidth();
        double height = getHeight();
        arrange(height > 0 && height < FLAT && width >= 4 * NARROW ? 4 : 2);
    }

    private void arrange(int columns) {
        if (columns == getColumnConstraints().size()) {
            return;
        }
        getColumnConstraints().clear();
        getRowConstraints().clear();
        for (int i = 0; i < columns; i++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(100.0 / columns);
            getColumnConstraints().add(column);
        }
        int rows = charts.size() / columns;
        for (int i = 0; i < rows; i++) {
            RowConstraints row = new RowConstraints();
            row.setPercentHeight(100.0 / rows);
            getRowConstraints().add(row);
        }
        for (int i = 0; i < charts.size(); i++) {
            GridPane.setConstraints(charts.get(i), i % columns, i / columns);
        }
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
        // A chart asks for 200x150 at least by default: in a short window that pushed the worker grid out of sight.
        chart.setMinSize(0, 0);
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
