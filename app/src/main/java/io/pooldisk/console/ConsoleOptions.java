package io.pooldisk.console;

import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The console's settings: {@code --port N}, {@code --workers N}, {@code --data DIR}. Without {@code --data}
 * the data directory is {@code -Dpooldisk.data}, else the engine's default.
 */
record ConsoleOptions(int port, int workers, Path dataDir) {

    static final String USAGE = "usage: pooldisk-console [--port N] [--workers N] [--data DIR]";

    static ConsoleOptions parse(List<String> args) {
        int port = 8080;
        int workers = 5;
        Path dataDir = defaultDataDir();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (i + 1 == args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args.get(i + 1);
            switch (name) {
                case "--port" -> port = number(name, value);
                case "--workers" -> workers = number(name, value);
                case "--data" -> dataDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new ConsoleOptions(port, workers, dataDir);
    }

    /** The engine's configuration; throws IllegalArgumentException for a port or worker count out of range. */
    PoolConfig toConfig() {
        return PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", port))
                .workers(workers)
                .dataDir(dataDir)
                .build();
    }

    private static Path defaultDataDir() {
        String property = System.getProperty("pooldisk.data");
        return property == null || property.isBlank() ? DataDirs.defaultDataDir() : Path.of(property);
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants a number, not " + value);
        }
    }
}
