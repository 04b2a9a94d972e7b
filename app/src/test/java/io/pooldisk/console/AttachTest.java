package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.pool.PoolConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The console attached to a real headless server ({@code pooldisk serve} in a process of its own), which it reaches
 * through the control socket only: the grid shows the server's real workers, a kick ends a real session, the status
 * bar says when the server stopped, the console attaches again, and closing it leaves the server running.
 */
class AttachTest extends ConsoleTestBase {

    @TempDir
    Path logs;

    @Test
    void attachedTheConsoleShowsTheRealWorkersKicksARealSessionAndSaysWhenTheServerStopped(FxRobot robot)
            throws Exception {
        Path served = dataDir.resolve("served");
        try (HeadlessServe serve = HeadlessServe.start(served, logs)) {
            showStopped(robot, config(0));
            robot.interact(() -> controller.attach(served));
            await(() -> tilePids(robot).equals(serve.pids));
            assertThat(statusText(robot))
                    .isEqualTo("Attached to " + served + " · listening on 127.0.0.1:" + serve.port);
            assertThat(onFx(() -> controller.server()))
                    .as("no server in this process")
                    .isEmpty();

            try (Socket session = openSession(serve.port)) {
                robot.clickOn("#tabSessions");
                TableView<SessionRow> table = robot.lookup("#sessions").queryTableView();
                await(() -> table.getItems().size() == 1);
                robot.clickOn(table.getItems().get(0).client());
                robot.clickOn("#kickSession");
                robot.clickOn("#confirmAction");
                assertThat(reader(session).readLine())
                        .as("the kicked session is closed")
                        .isNull();
                await(() -> table.getItems().isEmpty());
            }

            robot.clickOn("#tabPool");
            int killed = serve.pids.get(0);
            robot.interact(() -> controller.killWorker(killed));
            await(() -> tilePids(robot).size() == 2 && !tilePids(robot).contains(killed));

            serve.stop();
            await(() -> statusText(robot).equals("Server at " + served + " stopped"));
            assertThat(robot.lookup("#attachBanner").queryButton().isVisible()).isTrue();
            assertThat(tiles(robot)).isEmpty();
        }

        try (HeadlessServe again = HeadlessServe.start(served, logs)) {
            robot.clickOn("#attachBanner");
            await(() -> tilePids(robot).equals(again.pids));

            robot.interact(view::close);
            controller.close();
            controller = null;
            assertThat(again.isAlive())
                    .as("closing an attached console leaves its server running")
                    .isTrue();
            try (Socket session = openSession(again.port)) {
                assertThat(session.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aConsoleWhoseDataDirectoryIsInUseOffersToAttach(FxRobot robot) throws Exception {
        Path served = dataDir.resolve("served");
        try (HeadlessServe serve = HeadlessServe.start(served, logs)) {
            PoolConfig config = config(0).toBuilder().dataDir(served).build();
            show(robot, config);
            await(() -> robot.lookup("#attachBanner").queryButton().isVisible());
            assertThat(robot.lookup("#startFailure").queryAs(Label.class).getText())
                    .contains("in use by another PoolDisk server");
            robot.clickOn("#attachBanner");
            await(() -> tilePids(robot).equals(serve.pids));
        }
    }

    private static String statusText(FxRobot robot) {
        return onFx(() -> robot.lookup("#address").queryAs(Label.class).getText());
    }

    /** A client that has sent one ECHO and read its reply, and keeps its session open. */
    private static Socket openSession(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        OutputStream out = socket.getOutputStream();
        out.write("ECHO x\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertThat(reader(socket).readLine()).startsWith("OK");
        return socket;
    }
}
