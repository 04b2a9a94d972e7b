package io.pooldisk.testing;

import io.pooldisk.pool.PoolConfig;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Configurations for servers started by tests: loopback, a free port, a temporary data directory. */
public final class TestServers {

    private TestServers() {
    }

    public static PoolConfig.Builder config(Path dataDir, int workers) {
        return PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(workers)
                .dataDir(dataDir)
                .grace(Duration.ofSeconds(5));
    }
}
