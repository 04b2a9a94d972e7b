package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import java.nio.file.Path;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The settings area's state: the server settings as editable properties, over a template for the rest. The
 * numbers are object properties so spinners bind to them directly.
 */
final class SettingsModel {

    private final PoolConfig template;
    private final StringProperty host = new SimpleStringProperty();
    private final ObjectProperty<Integer> port = new SimpleObjectProperty<>();
    private final ObjectProperty<Integer> workers = new SimpleObjectProperty<>();
    private final StringProperty dataDir = new SimpleStringProperty();

    SettingsModel(PoolConfig template, ServerSettings settings) {
        this.template = template;
        host.set(settings.host());
        port.set(settings.port());
        workers.set(settings.workers());
        dataDir.set(settings.dataDir().toString());
    }

    /** Settings taken from a configuration, which also serves as the template. */
    static SettingsModel of(PoolConfig config) {
        return new SettingsModel(config, ServerSettings.of(config));
    }

    StringProperty hostProperty() {
        return host;
    }

    ObjectProperty<Integer> portProperty() {
        return port;
    }

    ObjectProperty<Integer> workersProperty() {
        return workers;
    }

    StringProperty dataDirProperty() {
        return dataDir;
    }

    ServerSettings settings() {
        return new ServerSettings(
                host.get().strip(),
                port.get(),
                workers.get(),
                Path.of(dataDir.get().strip()));
    }

    /** The configuration to start with; IllegalArgumentException when a setting is out of range. */
    PoolConfig toConfig() {
        return settings().applyTo(template);
    }
}
