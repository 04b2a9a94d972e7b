package io.pooldisk.console;

import io.pooldisk.cli.PoolDiskCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command line: {@code --host H}, {@code --port N}, {@code --workers N}, {@code --data DIR}, each over a base;
 * or {@code --help} or {@code --version} alone, answered without a window.
 */
final class ConsoleOptions {

    static final String USAGE =
            "usage: pooldisk-console [--host H] [--port N] [--workers N] [--data DIR] | --attach DIR";

    static final String HELP = USAGE + "\n       pooldisk-console --help | --version\n\n"
            + "The PoolDisk admin console: runs the server in this process and shows its workers live.\n"
            + "The options replace the settings saved from the last run, for this run and the next.\n\n"
            + "  --host H      the address to listen on\n"
            + "  --port N      the port to listen on (0: any free port)\n"
            + "  --workers N   the worker processes to start with\n"
            + "  --data DIR    the data directory (files and accounts)\n"
            + "  --attach DIR  show and manage the server running headless (pooldisk serve) on data directory DIR,\n"
            + "                through its control socket, instead of running one; closing leaves it running\n"
            + "  -h, --help    this text\n"
            + "  -V, --version the version\n\n"
            + "The command-line server and client: pooldisk --help";

    private ConsoleOptions() {}

    /** What {@code --help} or {@code --version} print, when the arguments ask for one of them; else empty. */
    static Optional<String> answer(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            return Optional.of(HELP);
        }
        if (args.contains("--version") || args.contains("-V")) {
            return Optional.of("PoolDisk console " + PoolDiskCommand.version());
        }
        return Optional.empty();
    }

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
                case "--attach" -> {
                    // read by attach()
                }
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new ServerSettings(host, port, workers, dataDir);
    }

    /** The data directory {@code --attach} names, if it does. */
    static Optional<Path> attach(List<String> args) {
        int at = args.indexOf("--attach");
        return at >= 0 && at + 1 < args.size() ? Optional.of(Path.of(args.get(at + 1))) : Optional.empty();
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants a number, not " + value);
        }
    }
}
