package io.pooldisk.console;

import io.pooldisk.auth.Ban;
import io.pooldisk.disk.DiskException;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolListener;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A server run in the console's process, as the console always did. */
final class LocalServer implements ServerHandle {

    private final PoolServer server;
    private final PoolListener model;

    private LocalServer(PoolServer server, PoolListener model) {
        this.server = server;
        this.model = model;
    }

    /** Starts a server that tells {@code model} what happens; blocks until its workers are all ready. */
    static LocalServer start(PoolConfig config, PoolListener model) throws PoolStartException {
        return new LocalServer(PoolServer.start(config, model), model);
    }

    PoolServer server() {
        return server;
    }

    /** Stops telling the console's model: the server goes on headless, with nobody to show it here. */
    PoolServer release() {
        server.unsubscribe(model);
        return server;
    }

    @Override
    public Path dataDir() {
        return server.config().dataDir();
    }

    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public void killWorker(int pid) {
        server.killWorker(pid);
    }

    @Override
    public void recycleWorker(int pid) {
        server.recycleWorker(pid);
    }

    @Override
    public void resize(int workers) {
        server.resize(workers);
    }

    @Override
    public void kickSession(long id) {
        server.kickSession(id);
    }

    @Override
    public List<Ban> bans() throws IOException {
        try {
            return server.bans();
        } catch (DiskException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String ban(String target, Duration length, String reason) throws IOException {
        try {
            Ban ban = server.ban(target, length, reason);
            return "banned " + ban.range()
                    + (ban.permanent() ? " permanently" : " until " + BansModel.WHEN.format(ban.until()));
        } catch (DiskException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void unban(String target) throws IOException {
        try {
            server.unban(target);
        } catch (DiskException | IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void audit(AuditRecord record) {
        server.audit(record);
    }

    @Override
    public AutoCloseable subscribeDebug(PoolListener listener) {
        return server.subscribe(listener);
    }

    @Override
    public String awaitEnd() {
        while (!server.awaitTermination(Duration.ofHours(1))) {
            // still running
        }
        return server.failure();
    }

    @Override
    public void close() {
        server.close();
    }
}
