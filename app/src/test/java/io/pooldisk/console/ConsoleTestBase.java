package io.pooldisk.console;

import static org.testfx.util.WaitForAsyncUtils.waitFor;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.controlsfx.control.GridCell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/** The console's window against the real engine: two workers on a free port, a fresh data directory. */
@ExtendWith(ApplicationExtension.class)
abstract class ConsoleTestBase {

    static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dataDir;

    Stage stage;
    PoolController controller;
    ConsoleView view;

    /** The extension's primary stage, themed as the application themes it. */
    @BeforeEach
    void setUpStage() throws TimeoutException {
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(ConsoleApp::useTheme);
    }

    @AfterEach
    void stopServer(FxRobot robot) {
        if (controller != null) {
            robot.interact(view::close);
            controller.close();
        }
    }

    /** Waits until the condition, checked on the FX thread (so the scene does not change under it), holds. */
    static void await(Callable<Boolean> condition) throws TimeoutException {
        waitFor(
                TIMEOUT_SECONDS,
                TimeUnit.SECONDS,
                () -> WaitForAsyncUtils.asyncFx(condition).get());
    }

    PoolServer startAndAwaitServer(FxRobot robot, PoolConfig config) throws TimeoutException {
        show(robot, config);
        await(() -> controller.statusProperty().get() == PoolController.Status.RUNNING);
        PoolServer server = controller.server().orElseThrow();
        await(() -> tilePids(robot).equals(livePids(server)));
        return server;
    }

    void show(FxRobot robot, PoolConfig config) {
        showStopped(robot, config);
        robot.interact(() -> controller.start(SettingsModel.of(config)));
    }

    /** The window with no server started: what it shows comes from the snapshots a test hands its model. */
    void showStopped(FxRobot robot, PoolConfig config) {
        controller = new PoolController();
        robot.interact(() -> {
            view = new ConsoleView(controller, SettingsModel.of(config));
            stage.setScene(new Scene(view, 1180, 760));
            stage.show();
        });
    }

    PoolConfig config(int port) {
        return PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .workers(2)
                .dataDir(dataDir)
                .build();
    }

    /** A worker keeps a quiet session for 5 s after its last command (no other session needs it), so tests see it. */
    PoolConfig lingeringConfig() {
        return config(0).toBuilder().linger(Duration.ofSeconds(5)).build();
    }

    /** A client that has sent one ECHO and read its reply, and keeps its session open. */
    static Socket openSession(PoolServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.address().getPort());
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        OutputStream out = socket.getOutputStream();
        out.write("ECHO x\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        reader(socket).readLine();
        return socket;
    }

    static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The visible tiles that show a worker; looked up on the FX thread, which rebuilds the grid's cells. */
    static List<Node> tiles(FxRobot robot) {
        return onFx(() -> robot.lookup(".worker-tile").queryAll().stream()
                .filter(tile -> shown(tile) && ((GridCell<?>) tile).getItem() != null)
                .toList());
    }

    /** The PIDs the visible tiles show, sorted. */
    static List<Integer> tilePids(FxRobot robot) {
        return onFx(() -> robot.lookup(".worker-pid").queryAllAs(Label.class).stream()
                .filter(ConsoleTestBase::shown)
                .map(label -> label.getText().replace("PID ", ""))
                .filter(text -> text.matches("\\d+"))
                .map(Integer::valueOf)
                .sorted()
                .toList());
    }

    /** {@code read} run on the FX thread (at once when already there), so the scene does not change under it. */
    static <T> T onFx(Callable<T> read) {
        try {
            return Platform.isFxApplicationThread()
                    ? read.call()
                    : WaitForAsyncUtils.asyncFx(read).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PIDs of the server's running workers, sorted. */
    static List<Integer> livePids(PoolServer server) {
        return server.snapshot().workers().stream()
                .map(WorkerInfo::pid)
                .filter(pid -> pid != 0)
                .sorted()
                .toList();
    }

    /** Whether a node is in the scene and neither it nor a parent is hidden (as the grid's spare cells are). */
    static boolean shown(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (!n.isVisible()) {
                return false;
            }
        }
        return node.getScene() != null;
    }
}
