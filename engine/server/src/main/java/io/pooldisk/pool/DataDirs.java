package io.pooldisk.pool;

import java.nio.file.Files;
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

    /**
     * Null when {@code dir} holds a PoolDisk data directory, else what is wrong with it, for the commands that read
     * one and must not make one where a typo in {@code --data} points.
     */
    public static String whyNotADataDir(Path dir) {
        if (!Files.exists(dir)) {
            return "no data directory at " + dir + " (it does not exist); give --data DIR, or make one with"
                    + " 'pooldisk user add' or 'pooldisk serve'";
        }
        if (!Files.isDirectory(dir)) {
            return "cannot use data directory " + dir + ": it is a file, not a directory";
        }
        if (!Files.isRegularFile(database(dir))) {
            return "no data directory at " + dir + " (it has no pooldisk.db); give --data DIR, or make one with"
                    + " 'pooldisk user add' or 'pooldisk serve'";
        }
        return null;
    }

    public static Path database(Path dataDir) {
        return dataDir.resolve("pooldisk.db");
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

    /** The audit log: one JSON object a line (docs/OPERATIONS.md, "Audit log"). */
    public static Path auditLog(Path dataDir) {
        return dataDir.resolve("audit.log");
    }
}
