package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolServer;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The Pool tab of an eight-worker pool at the window sizes people have: every tile whole and inside the window, the
 * figures above the tiles, the charts below them, and the same picture after the window was small for a while.
 */
class PoolLayoutTest extends ConsoleTestBase {

    private static final int WORKERS = 8;

    @Test
    void allTilesShowAtEveryCommonWindowSizeAndAfterShrinkingAndGrowing(FxRobot robot) throws Exception {
        PoolServer server = startAndAwaitServer(
                robot, config(0).toBuilder().workers(WORKERS).build());
        await(() -> livePids(server).size() == WORKERS && tilePids(robot).equals(livePids(server)));

        double[][] sizes = {{1024, 640}, {1280, 720}, {1366, 768}, {1920, 1080}, {ConsoleApp.WIDTH, ConsoleApp.HEIGHT}};
        for (double[] size : sizes) {
            resize(robot, size[0], size[1]);
            assertLaidOutWhole(robot, size[0], size[1]);
        }

        resize(robot, 1280, 720);
        List<Bounds> before = tileBounds(robot);
        resize(robot, 700, 450);
        resize(robot, 1280, 720);
        assertLaidOutWhole(robot, 1280, 720);
        assertThat(tileBounds(robot)).isEqualTo(before);
    }

    @Test
    void tilesFillTheRowAndARowTakesAsManyAsFit(FxRobot robot) throws Exception {
        startAndAwaitServer(robot, config(0).toBuilder().workers(WORKERS).build());
        resize(robot, 1280, 720);
        await(() -> tiles(robot).size() == WORKERS);

        Bounds grid = bounds(robot.lookup("#workers").query());
        List<Bounds> tiles = tileBounds(robot);
        double top = tiles.stream().mapToDouble(Bounds::getMinY).min().orElseThrow();
        List<Bounds> firstRow =
                tiles.stream().filter(tile -> tile.getMinY() == top).toList();
        double rightmost = firstRow.stream().mapToDouble(Bounds::getMaxX).max().orElseThrow();
        double width = firstRow.get(0).getWidth();
        assertThat(width).isGreaterThanOrEqualTo(PoolView.MIN_TILE_WIDTH);
        assertThat(grid.getMaxX() - rightmost).as("room left in the row").isLessThan(PoolView.MIN_TILE_WIDTH);
    }

    private void resize(FxRobot robot, double width, double height) throws TimeoutException {
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
        });
        await(() -> view.getScene().getWidth() == width
                && view.getScene().getHeight() == height
                && !view.isNeedsLayout()
                && tiles(robot).size() == WORKERS);
    }

    private void assertLaidOutWhole(FxRobot robot, double width, double height) throws TimeoutException {
        String size = (int) width + "x" + (int) height;
        await(() -> tilesInside(robot, width, height));
        Bounds window = new BoundingBox(0, 0, width, height);
        Bounds grid = bounds(robot.lookup("#workers").query());
        Bounds figures = bounds(robot.lookup("#figures").query());
        Bounds charts = bounds(robot.lookup("#charts").query());
        assertThat(tileBounds(robot)).as("tiles at " + size).hasSize(WORKERS).allMatch(grid::contains);
        assertThat(window.contains(figures))
                .as("figures inside the window at " + size)
                .isTrue();
        assertThat(figures.getMaxY()).as("figures above the tiles at " + size).isLessThanOrEqualTo(grid.getMinY());
        assertThat(charts.getMinY()).as("charts below the tiles at " + size).isGreaterThanOrEqualTo(grid.getMaxY());
        assertThat(charts.getHeight()).as("charts' height at " + size).isGreaterThan(100);
        assertThat(figures.getHeight())
                .isEqualTo(onFx(() -> robot.lookup("#figures").query().prefHeight(figures.getWidth())));
    }

    /** Whether all the tiles lie inside the grid and the grid inside the window. */
    private boolean tilesInside(FxRobot robot, double width, double height) {
        Bounds window = new BoundingBox(0, 0, width, height);
        Bounds grid = bounds(robot.lookup("#workers").query());
        List<Bounds> tiles = tileBounds(robot);
        return window.contains(grid)
                && tiles.size() == WORKERS
                && tiles.stream().allMatch(grid::contains);
    }

    /** The tiles' bounds in the scene, left to right and top to bottom. */
    private static List<Bounds> tileBounds(FxRobot robot) {
        return onFx(() -> tiles(robot).stream()
                .map(PoolLayoutTest::bounds)
                .sorted((a, b) -> a.getMinY() != b.getMinY()
                        ? Double.compare(a.getMinY(), b.getMinY())
                        : Double.compare(a.getMinX(), b.getMinX()))
                .toList());
    }

    private static Bounds bounds(Node node) {
        return onFx(() -> node.localToScene(node.getBoundsInLocal()));
    }
}
