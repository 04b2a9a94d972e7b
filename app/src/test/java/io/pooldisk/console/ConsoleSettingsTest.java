package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleSettingsTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileGivesTheDefaults() {
        ConsoleSettings settings = ConsoleSettings.load(dir.resolve("none.properties"));

        assertThat(settings.server()).isEqualTo(ServerSettings.DEFAULTS);
        assertThat(settings.window()).isEmpty();
        assertThat(settings.tab()).isZero();
    }

    @Test
    void whatIsSavedComesBack() {
        Path file = dir.resolve("config/pooldisk/console.properties");
        ConsoleSettings settings = ConsoleSettings.load(file);
        ServerSettings server = new ServerSettings("::1", 9000, 7, Path.of("/srv/disk"));
        settings.server(server);
        settings.window(new Rectangle2D(10, 20, 900, 600));
        settings.maximized(true);
        settings.tab(2);

        assertThat(settings.save()).isEmpty();

        ConsoleSettings loaded = ConsoleSettings.load(file);
        assertThat(loaded.server()).isEqualTo(server);
        assertThat(loaded.window()).contains(new Rectangle2D(10, 20, 900, 600));
        assertThat(loaded.maximized()).isTrue();
        assertThat(loaded.tab()).isEqualTo(2);
    }

    @Test
    void garbageInTheFileFallsBackToDefaults() throws Exception {
        Path file = dir.resolve("console.properties");
        Files.writeString(file, "server.port=lots\nwindow.width=wide\n");

        ConsoleSettings settings = ConsoleSettings.load(file);

        assertThat(settings.server().port()).isEqualTo(ServerSettings.DEFAULTS.port());
        assertThat(settings.window()).isEmpty();
    }

    @Test
    void aFileThatCannotBeWrittenSaysWhy() throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a directory should be");

        assertThat(ConsoleSettings.load(blocker.resolve("console.properties")).save())
                .hasValueSatisfying(why -> assertThat(why).startsWith("cannot save settings to"));
    }
}
