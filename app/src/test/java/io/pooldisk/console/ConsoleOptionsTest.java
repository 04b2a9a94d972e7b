package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.cli.PoolDiskCommand;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleOptionsTest {

    private static final ServerSettings SAVED = new ServerSettings("0.0.0.0", 9090, 4, Path.of("/srv/saved"));

    @Test
    void theDefaultsAreLocalhostPort8080FiveWorkersAndTheEngineDataDir() {
        assertThat(ServerSettings.DEFAULTS)
                .isEqualTo(new ServerSettings("127.0.0.1", 8080, 5, DataDirs.defaultDataDir()));
    }

    @Test
    void withoutArgumentsTheSavedSettingsStand() {
        assertThat(ConsoleOptions.parse(List.of(), SAVED)).isEqualTo(SAVED);
    }

    @Test
    void argumentsReplaceWhatTheyName() {
        assertThat(ConsoleOptions.parse(List.of("--port", "9000", "--workers", "3", "--data", "/srv/disk"), SAVED))
                .isEqualTo(new ServerSettings("0.0.0.0", 9000, 3, Path.of("/srv/disk")));
        assertThat(ConsoleOptions.parse(List.of("--host", "::1"), SAVED).host()).isEqualTo("::1");
    }

    @Test
    void attachNamesTheDataDirectoryOfARunningServerAndLeavesTheSettingsAlone() {
        List<String> args = List.of("--attach", "/srv/running");
        assertThat(ConsoleOptions.attach(args)).contains(Path.of("/srv/running"));
        assertThat(ConsoleOptions.parse(args, SAVED)).isEqualTo(SAVED);
        assertThat(ConsoleOptions.attach(List.of("--data", "/srv/disk"))).isEmpty();
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--attach"), SAVED))
                .hasMessage("--attach needs a value");
    }

    @Test
    void anAttachedServersListeningAddressIsReadFromItsSnapshot() {
        assertThat(AttachedServer.address("127.0.0.1:8080"))
                .extracting(a -> a.getHostString() + " " + a.getPort())
                .isEqualTo("127.0.0.1 8080");
        assertThat(AttachedServer.address("[::1]:9000"))
                .extracting(a -> a.getHostString() + " " + a.getPort())
                .isEqualTo("::1 9000");
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--colour", "red"), SAVED))
                .hasMessage("unknown option --colour");
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--port"), SAVED)).hasMessage("--port needs a value");
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--workers", "many"), SAVED))
                .hasMessage("--workers wants a number, not many");
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--workers", "0"), SAVED)
                        .applyTo(PoolConfig.builder().build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsoleOptions.parse(List.of("--port", "70000"), SAVED)
                        .applyTo(PoolConfig.builder().build()))
                .hasMessageContaining("65535");
    }

    @Test
    void helpAndVersionAreAnsweredWhereverTheyStand() {
        assertThat(ConsoleOptions.answer(List.of("--help"))).contains(ConsoleOptions.HELP);
        assertThat(ConsoleOptions.answer(List.of("--port", "9000", "-h"))).contains(ConsoleOptions.HELP);
        assertThat(ConsoleOptions.HELP).startsWith(ConsoleOptions.USAGE).contains("--version");
        assertThat(ConsoleOptions.answer(List.of("--version")))
                .contains("PoolDisk console " + PoolDiskCommand.version());
        assertThat(ConsoleOptions.answer(List.of("-V"))).isEqualTo(ConsoleOptions.answer(List.of("--version")));
        assertThat(ConsoleOptions.answer(List.of("--port", "9000"))).isEmpty();
    }
}
