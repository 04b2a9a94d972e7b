package io.pooldisk.clientgui;

import static org.testfx.util.WaitForAsyncUtils.waitFor;

import atlantafx.base.theme.PrimerLight;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Takes target/screenshots/client.png: the pane with files, echoes and transfers under way. */
@ExtendWith(ApplicationExtension.class)
class ClientScreenshotTest {

    @TempDir
    Path tmp;

    private TestServer server;
    private ClientPane pane;
    private RecentServers recents;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        server = new TestServer(tmp);
        recents = TestServer.scratchRecents();
        pane = new ClientPane("127.0.0.1", server.port(), recents);
        stage.setScene(new Scene(pane, 1180, 760));
        stage.show();
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(pane::close);
        recents.clear();
        server.close();
    }

    @Test
    void takesAScreenshot(FxRobot robot) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (DiskClient c = DiskClient.connect("127.0.0.1", server.port())) {
            c.login(TestServer.USER, TestServer.PASSWORD.toCharArray());
            c.mkdir("/Photos 2026");
            c.mkdir("/Projects");
            c.upload(TestServer.randomFile(local, "notes.md", 4_812, 1), "/notes.md", TransferListener.NONE);
            c.upload(TestServer.randomFile(local, "budget.xlsx", 48_213, 2), "/budget.xlsx", TransferListener.NONE);
            c.upload(TestServer.randomFile(local, "报告.pdf", 1_204_480, 3), "/报告.pdf", TransferListener.NONE);
            c.upload(TestServer.randomFile(local, "talk.mp4", 9_437_184, 4), "/talk.mp4", TransferListener.NONE);
        }
        robot.interact(() -> {
            robot.lookup("#user").queryTextInputControl().setText(TestServer.USER);
            robot.lookup("#password").queryTextInputControl().setText(TestServer.PASSWORD);
        });
        robot.clickOn("#connect");
        waitFor(30, TimeUnit.SECONDS, () -> pane.files().entries().size() == 6);
        for (String text : List.of("hello pool", "which worker?", "你好")) {
            robot.clickOn("#echoText").write(text).type(javafx.scene.input.KeyCode.ENTER);
        }
        waitFor(30, TimeUnit.SECONDS, () -> pane.echo().lines().size() == 3);

        Path done = TestServer.randomFile(local, "slides.pdf", 2_500_000, 5);
        Path big = TestServer.randomFile(local, "backup.tar", 200 * 1024 * 1024, 6);
        robot.interact(() -> pane.upload(List.of(done)));
        waitFor(
                30,
                TimeUnit.SECONDS,
                () -> pane.transfers().transfers().size() == 1
                        && pane.transfers().transfers().get(0).state() == Transfer.State.DONE);
        robot.interact(() -> {
            pane.transfers().speedLimitProperty().set(20L << 20);
            pane.upload(List.of(big));
        });
        Path dl = Files.createDirectories(tmp.resolve("dl"));
        robot.interact(() -> pane.transfers().download("/talk.mp4", dl.resolve("talk.mp4"), 9_437_184));
        waitFor(
                60,
                TimeUnit.SECONDS,
                () -> pane.transfers().transfers().get(1).speedProperty().get() > 0
                        && pane.transfers().transfers().get(1).doneProperty().get() > 40_000_000);
        robot.interact(() -> pane.notifier().info("Uploaded slides.pdf: stored and verified"));
        WaitForAsyncUtils.waitForFxEvents();

        save(robot, "client.png");
    }

    @Test
    void takesAScreenshotOfAWrongPassword(FxRobot robot) throws Exception {
        robot.interact(() -> {
            robot.lookup("#user").queryTextInputControl().setText(TestServer.USER);
            robot.lookup("#password").queryTextInputControl().setText("guess");
        });
        robot.clickOn("#connect");
        waitFor(30, TimeUnit.SECONDS, () -> pane.notifier().current() != null);
        WaitForAsyncUtils.waitForFxEvents();
        save(robot, "client-wrong-password.png");
    }

    private void save(FxRobot robot, String name) throws Exception {
        Path out = Path.of("target", "screenshots", name);
        Files.createDirectories(out.getParent());
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = stage.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image[0], null), "png", out.toFile());
    }
}
