package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import java.util.List;
import javafx.application.Application;

/**
 * Starts the console. A plain class, not an {@link Application}, so {@code java -jar} on the shaded jar
 * runs with JavaFX on the class path. Bad arguments end here with a usage line.
 */
public final class ConsoleLauncher {

    private ConsoleLauncher() {}

    public static void main(String[] args) {
        try {
            ConsoleOptions.parse(List.of(args), ServerSettings.DEFAULTS)
                    .applyTo(PoolConfig.builder().build());
        } catch (IllegalArgumentException e) {
            System.err.println("pooldisk-console: " + e.getMessage());
            System.err.println(ConsoleOptions.USAGE);
            System.exit(2);
        }
        Application.launch(ConsoleApp.class, args);
    }
}
