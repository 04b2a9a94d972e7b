package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import java.util.List;
import java.util.Optional;
import javafx.application.Application;

/**
 * Starts the console. A plain class, not an {@link Application}, so {@code java -jar} on the shaded jar
 * runs with JavaFX on the class path. Bad arguments end here with a usage line, {@code --help} and {@code --version}
 * with their answer.
 */
public final class ConsoleLauncher {

    private ConsoleLauncher() {}

    public static void main(String[] args) {
        Optional<String> answer = ConsoleOptions.answer(List.of(args));
        if (answer.isPresent()) {
            System.out.println(answer.get());
            return;
        }
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
