package io.pooldisk.console;

import java.nio.file.Path;
import java.util.List;

/** The command line: {@code --host H}, {@code --port N}, {@code --workers N}, {@code --data DIR}, each over a base. */
final class ConsoleOptions {

    static final String USAGE = "usage: pooldisk-console [--host H] [--port N] [--workers N] [--data DIR]";

    private ConsoleOptions() {}

    /** The base settings with what the arguments name replaced; IllegalArgumentException for bad arguments. */
    static ServerSettings parse(List<String> args, ServerSettings base) {
        String host = base.host();
        int port = base.port();
        int workers = base.workers();
        Path dataDir = base.dataDir();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (i + 1 == args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args.get(i + 1);
            switch (name) {
                case "--host" -> host = value;
                case "--port" -> port = number(name, value);
                case "--workers" -> workers = number(name, value);
                case "--data" -> dataDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new ServerSettings(host, port, workers, dataDir);
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants a number, not " + value);
        }
    }
}
