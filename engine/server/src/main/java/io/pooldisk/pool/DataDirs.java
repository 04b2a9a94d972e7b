package io.pooldisk.pool;

import java.nio.file.Path;

/** Where a server keeps its data when no --data is given: $XDG_DATA_HOME/pooldisk or ~/.local/share/pooldisk. */
public final class DataDirs {

    private DataDirs() {}

    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "pooldisk");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "pooldisk");
    }

    public static Path controlSocket(Path dataDir) {
        return dataDir.resolve("control.sock");
    }

    public static Path lockFile(Path dataDir) {
        return dataDir.resolve("server.lock");
    }

    public static Path logFile(Path dataDir) {
        return dataDir.resolve("server.log");
    }
}
