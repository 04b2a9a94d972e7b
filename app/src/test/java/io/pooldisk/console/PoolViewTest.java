package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The Pool tab: tiles, their states, the figures, and the actions on workers. */
class PoolViewTest extends ConsoleTestBase {

    private static final PseudoClass IDLE = PseudoClass.getPseudoClass("idle");
    private static final PseudoClass BUSY = PseudoClass.getPseudoClass("busy");

    @Test
    void showsOneTilePerWorkerWithTheServersPids(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));

        await(() -> tiles(robot).size() == 2 && tiles(robot).stream().allMatch(this::idle));
        assertThat(tilePids(robot)).hasSize(2).isEqualTo(livePids(server));
        assertThat(robot.lookup("#address").queryAs(Label.class).getText())
                .isEqualTo("Listening on 127.0.0.1:" + server.address().getPort());
        assertThat(robot.lookup("#figure-total-workers").queryAs(Label.class).getText()).isEqualTo("2");
    }

    @Test
    void aClientConnectionTurnsATileBusyAndLaterIdle(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, lingeringConfig());

        try (Socket client = openSession(server)) {
            String port = Integer.toString(client.getLocalPort());
            await(() -> tiles(robot).stream().anyMatch(tile -> busy(tile) && text(tile).contains(port)));
            assertThat(robot.lookup("#figure-accepted-conn").queryAs(Label.class).getText()).isEqualTo("1");
        }

        await(() -> tiles(robot).size() == 2 && tiles(robot).stream().allMatch(this::idle));
    }

    @Test
    void killingTheSelectedWorkerReplacesItsPid(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        int victim = tilePids(robot).get(0);

        select(robot, victim);
        robot.clickOn("#killWorker");

        await(() -> tilePids(robot).size() == 2 && !tilePids(robot).contains(victim)
                && tilePids(robot).equals(livePids(server)) && tiles(robot).stream().allMatch(this::idle));
        // SIGKILL frees the slot at once; the process ends, and is reaped, a moment later.
        await(() -> !ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false));
        ListView<String> history = robot.lookup("#workerHistory").queryListView();
        await(() -> history.getItems().stream().anyMatch(line -> line.contains("PID " + victim))
                && history.getItems().get(0).contains("idle") && !history.getItems().get(0).contains("PID " + victim));
    }

    @Test
    void recyclingTheSelectedWorkerReplacesItsPid(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(robot, config(0));
        int recycled = tilePids(robot).get(1);

        select(robot, recycled);
        robot.clickOn("#recycleWorker");

        await(() -> tilePids(robot).size() == 2 && !tilePids(robot).contains(recycled)
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
                .filter(tile -> text(tile).contains("PID " + pid)).toList());
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private boolean idle(Node tile) {
        return tile.getPseudoClassStates().contains(IDLE);
    }

    private boolean busy(Node tile) {
        return tile.getPseudoClassStates().contains(BUSY);
    }

    /** Every label's text in a tile, joined. */
    private static String text(Node tile) {
        return String.join(" ", tile.lookupAll(".label").stream().map(node -> ((Label) node).getText()).toList());
    }
}
