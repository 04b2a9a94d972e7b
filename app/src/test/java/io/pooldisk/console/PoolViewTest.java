package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.WorkerInfo;
import io.pooldisk.pool.WorkerState;
import java.net.Socket;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.Background;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.Paint;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Pool tab: tiles, their states, the figures, and the actions on workers. */
class PoolViewTest extends ConsoleTestBase {

    private static final PseudoClass IDLE = PseudoClass.getPseudoClass("idle");
    private static final PseudoClass BUSY = PseudoClass.getPseudoClass("busy");
    private static final PseudoClass LINGERING = PseudoClass.getPseudoClass("lingering");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void showsOneTilePerWorkerWithTheServersPids(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));

        await(() -> tiles(robot).size() == 2 && tiles(robot).stream().allMatch(this::idle));
        assertThat(tilePids(robot)).hasSize(2).isEqualTo(livePids(server));
        assertThat(robot.lookup("#address").queryAs(Label.class).getText())
                .isEqualTo("Listening on 127.0.0.1:" + server.address().getPort());
        assertThat(robot.lookup("#figure-total-workers").queryAs(Label.class).getText())
                .isEqualTo("2");
        await(() -> label(robot, "#statusWorkers").equals("2 idle · 0 busy · 0 lingering"));
    }

    @Test
    void aClientSessionTurnsATileServingAndLaterIdle(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, lingeringConfig());

        try (Socket client = openSession(server)) {
            String port = Integer.toString(client.getLocalPort());
            await(() -> tiles(robot).stream()
                    .anyMatch(tile -> serving(tile) && text(tile).contains(port)));
            assertThat(robot.lookup("#figure-accepted-conn")
                            .queryAs(Label.class)
                            .getText())
                    .isEqualTo("1");
        }

        await(() -> tiles(robot).size() == 2 && tiles(robot).stream().allMatch(this::idle));
    }

    @Test
    void aLingeringWorkerLooksApartFromIdleAndBusyOnes(FxRobot robot) throws Exception {
        showStopped(robot, config(0));

        controller
                .model()
                .onSnapshot(new PoolSnapshot(
                        START,
                        "127.0.0.1:8080",
                        2,
                        0,
                        0,
                        2,
                        0,
                        9,
                        0,
                        0,
                        0,
                        0,
                        List.of(
                                new WorkerInfo(0, 11, WorkerState.IDLE, "", "", "", 0, 0, 3, START, 0),
                                new WorkerInfo(
                                        1, 12, WorkerState.BUSY, "GET", "127.0.0.1:5000", "ann", 7, 4096, 5, START, 0),
                                new WorkerInfo(
                                        2, 13, WorkerState.LINGERING, "", "127.0.0.1:5001", "bob", 8, 0, 1, START, 0)),
                        List.of()));

        // The tiles get their colours from the style sheet at the next pulse after their state.
        await(() -> tiles(robot).size() == 3
                && tiles(robot).stream()
                                .map(PoolViewTest::background)
                                .distinct()
                                .filter(fill -> fill != null)
                                .count()
                        == 3);
        Node lingering = tileOf(robot, 13);
        onFx(() -> {
            assertThat(lingering.getPseudoClassStates()).contains(LINGERING).doesNotContain(BUSY, IDLE);
            assertThat(text(lingering)).contains("lingering", "127.0.0.1:5001");
            Label pid = (Label) lingering.lookup(".worker-pid");
            assertThat(contrast((Color) pid.getTextFill(), (Color) background(lingering)))
                    .isGreaterThan(4.5);
            return null;
        });
        assertThat(label(robot, "#statusWorkers")).isEqualTo("1 idle · 1 busy · 1 lingering");
        assertThat(label(robot, "#figure-busy-workers")).isEqualTo("1");
        assertThat(label(robot, "#figure-lingering-workers")).isEqualTo("1");
    }

    @Test
    void killingTheSelectedWorkerReplacesItsPid(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        int victim = tilePids(robot).get(0);

        select(robot, victim);
        robot.clickOn("#killWorker");

        await(() -> tilePids(robot).size() == 2
                && !tilePids(robot).contains(victim)
                && tilePids(robot).equals(livePids(server))
                && tiles(robot).stream().allMatch(this::idle));
        // SIGKILL frees the slot at once; the process ends, and is reaped, a moment later.
        await(() -> !ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false));
        ListView<String> history = robot.lookup("#workerHistory").queryListView();
        await(() -> history.getItems().stream().anyMatch(line -> line.contains("PID " + victim))
                && history.getItems().get(0).contains("idle")
                && !history.getItems().get(0).contains("PID " + victim));
    }

    @Test
    void recyclingTheSelectedWorkerReplacesItsPid(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        int recycled = tilePids(robot).get(1);

        select(robot, recycled);
        robot.clickOn("#recycleWorker");

        await(() -> tilePids(robot).size() == 2
                && !tilePids(robot).contains(recycled)
                && tilePids(robot).equals(livePids(server)));
    }

    @Test
    void resizingThePoolChangesTheTileCount(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));

        robot.clickOn("#poolSize .increment-arrow-button");

        await(() -> tilePids(robot).size() == 3 && tilePids(robot).equals(livePids(server)));
        robot.clickOn("#poolSize .decrement-arrow-button").clickOn("#poolSize .decrement-arrow-button");
        await(() -> tiles(robot).size() == 1 && tilePids(robot).equals(livePids(server)));
        assertThat(server.snapshot().workers()).extracting(WorkerInfo::pid).hasSize(1);
    }

    /** Clicks the worker's tile, and waits until the selection has reached the toolbar (its buttons come alive). */
    private void select(FxRobot robot, int pid) throws TimeoutException {
        robot.clickOn(tileOf(robot, pid));
        await(() -> !robot.lookup("#killWorker").queryButton().isDisabled());
    }

    private Node tileOf(FxRobot robot, int pid) {
        List<Node> matching = onFx(() -> tiles(robot).stream()
                .filter(tile -> text(tile).contains("PID " + pid))
                .toList());
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private boolean idle(Node tile) {
        return tile.getPseudoClassStates().contains(IDLE);
    }

    /** Busy or lingering: a worker that holds a session, whether or not it runs a command now. */
    private boolean serving(Node tile) {
        return tile.getPseudoClassStates().contains(BUSY)
                || tile.getPseudoClassStates().contains(LINGERING);
    }

    private static String label(FxRobot robot, String id) {
        return onFx(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    /** A tile's background colour, null until the style sheet has given it one. */
    private static Paint background(Node tile) {
        Background background = ((Region) tile).getBackground();
        return background == null || background.getFills().isEmpty()
                ? null
                : background.getFills().get(0).getFill();
    }

    /** WCAG's contrast ratio of two opaque colours: 4.5 or more reads well at the tiles' small sizes. */
    private static double contrast(Color a, Color b) {
        double lighter = Math.max(luminance(a), luminance(b));
        double darker = Math.min(luminance(a), luminance(b));
        return (lighter + 0.05) / (darker + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(double channel) {
        return channel <= 0.03928 ? channel / 12.92 : Math.pow((channel + 0.055) / 1.055, 2.4);
    }

    /** Every label's text in a tile, joined. */
    private static String text(Node tile) {
        return String.join(
                " ",
                tile.lookupAll(".label").stream()
                        .map(node -> ((Label) node).getText())
                        .toList());
    }
}
