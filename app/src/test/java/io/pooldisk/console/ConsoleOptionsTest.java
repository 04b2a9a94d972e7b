package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.pool.DataDirs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleOptionsTest {

    @Test
    void defaultsToPort8080FiveWorkersAndTheEngineDataDir() {
        assertThat(ConsoleOptions.parse(List.of()))
                .isEqualTo(new ConsoleOptions(8080, 5, DataDirs.defaultDataDir()));
    }

    @Test
    void readsPortWorkersAndData() {
        assertThat(ConsoleOptions.parse(List.of("--port", "9000", "--workers", "3", "--data", "/srv/disk")))
                .isEqualTo(new ConsoleOptions(9000, 3, Path.of("/srv/disk")));
    }

    @Test
    void theDataPropertyReplacesTheDefault() {
        System.setProperty("pooldisk.data", "/var/pooldisk");
        try {
            assertThat(ConsoleOptions.parse(List.of()).dataDir()).isEqualTo(Path.of("/var/pooldisk"));
            assertThat(ConsoleOptions.parse(List.of("--data", "/srv/disk")).dataDir()).isEqualTo(Path.of("/srv/disk"));
        } finally {
            System.clearProperty("pooldisk.data");
        }
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--colour", "red")))
                .hasMessage("unknown option --colour");
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--port")))
                .hasMessage("--port needs a value");
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--workers", "many")))
                .hasMessage("--workers wants a number, not many");
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--workers", "0")).toConfig())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
