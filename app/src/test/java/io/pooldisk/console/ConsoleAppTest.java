package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.testfx.util.WaitForAsyncUtils.waitFor;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * The whole application as {@link ConsoleLauncher} starts it: arguments in, settings saved, workers gone after stop.
 */
class ConsoleAppTest {

    @TempDir
    Path dir;

    /** The test-only settings file the build names, back after the test. */
    private final String buildSettings = System.getProperty("pooldisk.console.settings");

    @AfterEach
    void forgetTheSettingsFile() {
        if (buildSettings == null) {
            System.clearProperty("pooldisk.console.settings");
        } else {
            System.setProperty("pooldisk.console.settings", buildSettings);
        }
    }

    @Test
    void runsThePoolFromItsArgumentsEndsItsWorkersOnStopAndRemembersItsSettings() throws Exception {
        Path settingsFile = dir.resolve("console.properties");
        System.setProperty("pooldisk.console.settings", settingsFile.toString());
        Path dataDir = dir.resolve("data");
        FxToolkit.registerPrimaryStage();
        Application app = FxToolkit.setupApplication(
                ConsoleApp.class, "--port", "0", "--workers", "2", "--data", dataDir.toString());
        FxRobot robot = new FxRobot();
        Label address = robot.lookup("#address").queryAs(Label.class);
        waitFor(
                30,
                TimeUnit.SECONDS,
                () -> address.getText().startsWith("Listening on 127.0.0.1:")
                        && workerPids(robot).size() == 2);
        List<ProcessHandle> workers = workerPids(robot).stream()
                .map(pid -> ProcessHandle.of(pid).orElseThrow())
                .toList();

        FxToolkit.cleanupApplication(app);

        assertThat(workers).noneMatch(ProcessHandle::isAlive);
        ConsoleSettings saved = ConsoleSettings.load(settingsFile);
        assertThat(saved.server()).isEqualTo(new ServerSettings("127.0.0.1", 0, 2, dataDir));
        assertThat(saved.window()).isPresent();
    }

    private static List<Long> workerPids(FxRobot robot) {
        return robot.lookup(".worker-pid").queryAllAs(Label.class).stream()
                .map(Label::getText)
                .filter(text -> text.matches("PID \\d+"))
                .map(text -> Long.valueOf(text.substring(4)))
                .toList();
    }
}
