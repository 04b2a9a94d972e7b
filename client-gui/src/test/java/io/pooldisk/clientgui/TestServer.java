package io.pooldisk.clientgui;

import io.pooldisk.auth.Accounts;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.WorkerInfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/** A real PoolDisk server for the tests: two worker processes, a temporary data directory, one user. */
final class TestServer implements AutoCloseable {

    static final String USER = "ann";
    static final String PASSWORD = "correct horse";

    final PoolServer server;
    private final Path data;

    TestServer(Path dir) throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data);
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add(USER, PASSWORD.toCharArray(), 0);
        }
        server = PoolServer.start(PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(2)
                .dataDir(data)
                .grace(Duration.ofSeconds(5))
                .build());
    }

    /** Adds an account, through the same database the running workers use. */
    void addUser(String name, String password, long quotaBytes) throws Exception {
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add(name, password.toCharArray(), quotaBytes);
        }
    }

    void setQuota(String name, long quotaBytes) throws Exception {
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).setQuota(name, quotaBytes);
        }
    }

    int port() {
        return server.address().getPort();
    }

    boolean isWorkerPid(int pid) {
        return server.snapshot().workers().stream().anyMatch(w -> w.pid() == pid);
    }

    /** The worker busy with an upload now, or null. */
    WorkerInfo uploadingWorker() {
        return server.snapshot().workers().stream()
                .filter(w -> w.command().startsWith("PUT "))
                .findFirst()
                .orElse(null);
    }

    static Path randomFile(Path dir, String name, int size, long seed) throws Exception {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    /** A preferences node of the test's own, so no test touches the user's recent servers. */
    static RecentServers scratchRecents() {
        return new RecentServers(Preferences.userRoot().node("io/pooldisk/clientgui-test/" + System.nanoTime()));
    }

    static void forget(RecentServers recents, Preferences node) {
        try {
            node.removeNode();
        } catch (BackingStoreException ignored) {
            // a test leftover at worst
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
