package io.pooldisk.console;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import javafx.geometry.Rectangle2D;

/**
 * What the console remembers between runs, in a properties file: the server settings, the window's place
 * and the tab last shown. The file is {@code -Dpooldisk.console.settings}, else
 * {@code $XDG_CONFIG_HOME/pooldisk/console.properties}, else {@code ~/.config/pooldisk/console.properties}.
 */
final class ConsoleSettings {

    private final Path file;
    private final Properties values = new Properties();

    private ConsoleSettings(Path file) {
        this.file = file;
    }

    static Path defaultFile() {
        String property = System.getProperty("pooldisk.console.settings");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("pooldisk").resolve("console.properties");
    }

    /** The settings in {@code file}; a missing or unreadable file gives the defaults. */
    static ConsoleSettings load(Path file) {
        ConsoleSettings settings = new ConsoleSettings(file);
        try (Reader in = Files.newBufferedReader(file)) {
            settings.values.load(in);
        } catch (IOException | IllegalArgumentException e) {
            settings.values.clear();
        }
        return settings;
    }

    /** Writes the file; returns why it could not, or empty. */
    Optional<String> save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(file)) {
                values.store(out, "PoolDisk console");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot save settings to " + file + ": " + e.getMessage());
        }
    }

    ServerSettings server() {
        ServerSettings d = ServerSettings.DEFAULTS;
        return new ServerSettings(
                values.getProperty("server.host", d.host()),
                number("server.port", d.port()),
                number("server.workers", d.workers()),
                Path.of(values.getProperty("server.data", d.dataDir().toString())));
    }

    void server(ServerSettings server) {
        values.setProperty("server.host", server.host());
        values.setProperty("server.port", Integer.toString(server.port()));
        values.setProperty("server.workers", Integer.toString(server.workers()));
        values.setProperty("server.data", server.dataDir().toString());
    }

    Optional<Rectangle2D> window() {
        double width = decimal("window.width");
        double height = decimal("window.height");
        if (!(width > 0 && height > 0)) {
            return Optional.empty();
        }
        return Optional.of(new Rectangle2D(decimal("window.x"), decimal("window.y"), width, height));
    }

    void window(Rectangle2D bounds) {
        values.setProperty("window.x", Double.toString(bounds.getMinX()));
        values.setProperty("window.y", Double.toString(bounds.getMinY()));
        values.setProperty("window.width", Double.toString(bounds.getWidth()));
        values.setProperty("window.height", Double.toString(bounds.getHeight()));
    }

    boolean maximized() {
        return Boolean.parseBoolean(values.getProperty("window.maximized"));
    }

    void maximized(boolean maximized) {
        values.setProperty("window.maximized", Boolean.toString(maximized));
    }

    int tab() {
        return number("window.tab", 0);
    }

    void tab(int index) {
        values.setProperty("window.tab", Integer.toString(index));
    }

    private int number(String key, int otherwise) {
        try {
            return Integer.parseInt(values.getProperty(key, Integer.toString(otherwise)));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private double decimal(String key) {
        try {
            return Double.parseDouble(values.getProperty(key, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
