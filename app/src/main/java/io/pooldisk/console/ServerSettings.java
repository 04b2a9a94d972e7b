package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** The server settings a person edits: where to listen, how many workers, where the data lives. */
record ServerSettings(String host, int port, int workers, Path dataDir) {

    static final ServerSettings DEFAULTS = of(PoolConfig.defaults());

    /**
     * These settings applied to a template (which carries the engine's other options).
     *
     * @throws IllegalArgumentException for a port or worker count out of range
     */
    PoolConfig applyTo(PoolConfig template) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535, not " + port);
        }
        return template.toBuilder()
                .bind(new InetSocketAddress(host, port))
                .workers(workers)
                .dataDir(dataDir)
                .build();
    }

    static ServerSettings of(PoolConfig config) {
        return new ServerSettings(
                config.bind().getHostString(), config.bind().getPort(), config.workers(), config.dataDir());
    }
}
