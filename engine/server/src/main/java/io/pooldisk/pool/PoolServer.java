package io.pooldisk.pool;

import io.pooldisk.auth.AddressRange;
import io.pooldisk.auth.Ban;
import io.pooldisk.auth.BanList;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running PoolDisk server: the in-process API the console and the {@code serve} command use. {@link #start} returns
 * once every worker has said hello; every method is safe from any thread (work is handed to the master's loop).
 */
public final class PoolServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /** listen(2) takes the smaller of this and net.core.somaxconn (4096 by default since Linux 5.4). */
    private static final int LISTEN_BACKLOG = 65_535;

    /** Replaced by {@link #reload}: the stop's grace and the upload TTL are read from here. */
    private volatile PoolConfig config;

    private final DataDirLock lock;
    private final InetSocketAddress address;
    private final PoolNotifier notifier;
    private final Master master;
    private final Thread loop;
    private final ControlServer control;
    private final Housekeeper housekeeper;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile String failure;
    private final ServerLogFile logFile;
    /** Serves /metrics and /status.json when the configuration asks for it; null otherwise. */
    private final MetricsServer metricsServer;
    /** Ban changes one at a time, so the master always ends up with the latest list. */
    private final Object bansLock = new Object();

    private final AuditLog auditLog;

    private PoolServer(
            PoolConfig config,
            DataDirLock lock,
            ServerSocketChannel listener,
            MetricsServer metricsServer,
            List<PoolListener> listeners)
            throws IOException {
        this.config = config;
        this.metricsServer = metricsServer;
        this.lock = lock;
        this.address = (InetSocketAddress) listener.getLocalAddress();
        List<PoolListener> all = new ArrayList<>(listeners);
        this.logFile = new ServerLogFile(rotating(DataDirs.logFile(config.dataDir())));
        all.add(logFile);
        this.notifier = new PoolNotifier(all);
        this.auditLog = new AuditLog(rotating(DataDirs.auditLog(config.dataDir())), notifier::event);
        if (lock.looserMode() != null) {
            notifier.event(new PoolEvent(
                    java.time.Instant.now(),
                    PoolEvent.Level.WARN,
                    PoolEvent.Kind.SERVER,
                    "data directory " + config.dataDir() + " was " + lock.looserMode() + ": made rwx------, as it "
                            + "holds every user's files"));
        }
        this.master = new Master(config, listener, notifier, new Lifecycle(), Master::systemClock);
        this.loop = new Thread(master, "pooldisk-master");
        this.control = new ControlServer(DataDirs.controlSocket(config.dataDir()), this);
        this.housekeeper = new Housekeeper(config.dataDir(), () -> this.config.uploadTtl(), notifier::event);
    }

    private RotatingFile rotating(java.nio.file.Path file) {
        return new RotatingFile(file, config.logMaxBytes(), config.logFiles());
    }

    /**
     * Starts a server: locks the data directory, listens, spawns the workers and waits until they are all ready.
     *
     * @throws PoolStartException with a one-line message when it cannot (port in use, data directory in use or not
     *                            writable, workers that fail to start)
     */
    public static PoolServer start(PoolConfig config, PoolListener... listeners) throws PoolStartException {
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        ServerSocketChannel listener;
        try {
            listener = listen(config.bind());
        } catch (PoolStartException e) {
            lock.release();
            throw e;
        }
        MetricsServer metrics = null;
        if (config.metrics() != null) {
            try {
                metrics = MetricsServer.bind(config.metrics());
            } catch (PoolStartException e) {
                closeQuietly(listener);
                lock.release();
                throw e;
            }
        }
        PoolServer server = null;
        try {
            server = new PoolServer(config, lock, listener, metrics, List.of(listeners));
            server.loop.start();
            server.ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            server.loadBans();
            server.control.start();
            if (metrics != null) {
                metrics.start(server);
            }
            return server;
        } catch (ExecutionException e) {
            server.awaitTermination(Duration.ofSeconds(10));
            throw new PoolStartException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            server.close();
            throw new PoolStartException("workers did not start within " + START_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (server != null) {
                server.close();
            }
            throw new PoolStartException("interrupted while starting");
        } catch (IOException | RuntimeException e) {
            if (server == null) {
                closeQuietly(listener);
                if (metrics != null) {
                    metrics.close();
                }
                lock.release();
            } else {
                server.close();
            }
            throw new PoolStartException("cannot start: " + e.getMessage(), e);
        }
    }

    private static ServerSocketChannel listen(InetSocketAddress bind) throws PoolStartException {
        String where = Master.describe(bind);
        if (bind.isUnresolved()) {
            throw new PoolStartException("cannot resolve host " + bind.getHostString());
        }
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            // Replies are small lines: send them at once rather than wait for the client's ACK (Nagle). Accepted
            // connections inherit the option from the listening socket, which saves a system call per connection.
            io.pooldisk.unix.Sockets.setTcpNoDelay(io.pooldisk.unix.Sockets.fdOf(channel));
            // A burst of connections waits in the kernel's accept queue, not dropped: once the queue is full the kernel
            // drops SYNs, and those clients retry only after a second. As deep as the system allows (somaxconn).
            channel.bind(bind, LISTEN_BACKLOG);
            channel.configureBlocking(false);
            return channel;
        } catch (BindException e) {
            closeQuietly(channel);
            String why = e.getMessage() != null && e.getMessage().contains("in use")
                    ? "address already in use"
                    : e.getMessage();
            throw new PoolStartException("cannot listen on " + where + ": " + why);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new PoolStartException("cannot listen on " + where + ": " + e.getMessage());
        }
    }

    public PoolConfig config() {
        return config;
    }

    /** The address the server listens on (with the real port when the configuration asked for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /** Where /metrics and /status.json are served (with the real port when port 0 was asked for), or null. */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.address();
    }

    /** The totals behind /metrics that the scoreboard does not keep (commands by verb and result, transfers). */
    public PoolMetrics metrics() {
        return master.metrics();
    }

    /** What a scrape of /metrics shows: a snapshot, and the worker count the pool keeps. */
    record Scrape(PoolSnapshot snapshot, int wanted) {}

    /** A fresh snapshot with the workers wanted, taken on the master's loop together (the latest once stopped). */
    Scrape scrape() {
        if (terminated.getCount() == 0) {
            PoolSnapshot last = notifier.latest();
            return new Scrape(last, last.total());
        }
        CompletableFuture<Scrape> fresh = new CompletableFuture<>();
        master.submit(() -> fresh.complete(new Scrape(master.snapshot(), master.wantedWorkers())));
        try {
            return fresh.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(notifier.latest(), config.workers());
        } catch (ExecutionException | TimeoutException e) {
            return new Scrape(notifier.latest(), config.workers());
        }
    }

    /** A fresh snapshot of the scoreboard. */
    public PoolSnapshot snapshot() {
        if (terminated.getCount() == 0) {
            return notifier.latest();
        }
        CompletableFuture<PoolSnapshot> fresh = new CompletableFuture<>();
        master.submit(() -> fresh.complete(master.snapshot()));
        try {
            return fresh.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notifier.latest();
        } catch (ExecutionException | TimeoutException e) {
            return notifier.latest();
        }
    }

    /** Listens to snapshots (coalesced, at most about ten a second) and log events; close the result to stop. */
    public AutoCloseable subscribe(PoolListener listener) {
        return notifier.subscribe(listener);
    }

    /**
     * Stops calling a listener given to {@link #start}: the console that leaves its server running headless stops
     * listening, so the master builds no snapshots for nobody.
     */
    public void unsubscribe(PoolListener listener) {
        notifier.unsubscribe(listener);
    }

    public void resize(int workers) {
        PoolConfig.requireRange("workers", workers, 1, PoolConfig.MAX_WORKERS);
        master.submit(() -> master.resize(workers));
    }

    /** One worker more ({@code +1}) or fewer ({@code -1}), as SIGTTIN and SIGTTOU ask; between 1 and the maximum. */
    public void resizeBy(int delta) {
        master.submit(() -> master.resizeBy(delta));
    }

    /**
     * Replaces every worker gracefully, as SIGHUP asks: old ones finish their command, new ones start; no session is
     * lost.
     */
    public void replaceWorkers() {
        master.submit(master::replaceWorkers);
    }

    /**
     * Applies a new configuration to the running server, as SIGHUP asks after the configuration file changed: limits
     * and time-outs at once, the worker count when it changed, the workers' options by replacing every worker
     * gracefully (as {@link #replaceWorkers}). The address and the data directory cannot change while running: when
     * {@code next} changes them, a warning says a restart is needed and the ones in force stay.
     */
    public synchronized void reload(PoolConfig next) {
        PoolConfig current = config;
        PoolConfig.Builder kept = next.toBuilder().launcher(current.launcher());
        if (!next.bind().equals(current.bind())) {
            warn("the address changed to " + Master.describe(next.bind()) + ": restart the server to listen there;"
                    + " still on " + Master.describe(current.bind()));
            kept.bind(current.bind());
        }
        if (!next.dataDir().equals(current.dataDir())) {
            warn("the data directory changed to " + next.dataDir() + ": restart the server to use it; still "
                    + current.dataDir());
            kept.dataDir(current.dataDir());
        }
        if (!Objects.equals(next.metrics(), current.metrics())) {
            warn("the metrics address changed to " + (next.metrics() == null ? "none" : Master.describe(next.metrics()))
                    + ": restart the server for it; still "
                    + (current.metrics() == null ? "none" : Master.describe(current.metrics())));
            kept.metrics(current.metrics());
        }
        PoolConfig applied = kept.build();
        config = applied;
        master.submit(() -> master.reload(applied));
    }

    /** Logs {@code event} with the server's own: on its listeners and in {@code server.log}. */
    public void log(PoolEvent event) {
        notifier.event(event);
    }

    private void warn(String message) {
        log(new PoolEvent(java.time.Instant.now(), PoolEvent.Level.WARN, PoolEvent.Kind.SERVER, message));
    }

    /**
     * Closes {@code server.log} and {@code audit.log} and opens them anew at their paths, as SIGUSR1 asks after
     * logrotate moved them.
     */
    public void reopenLogs() {
        logFile.reopen();
        auditLog.reopen();
    }

    /**
     * Writes {@code record} to {@code audit.log} (on a thread of its own: this never blocks on the disk) and shows it
     * to listeners as an {@link PoolEvent.Kind#AUDIT} event. Safe from any thread, the master's loop included.
     */
    public void audit(AuditRecord record) {
        auditLog.record(record);
    }

    /** Ends a worker with SIGKILL, as a crash would; the pool replaces it. */
    public void killWorker(int pid) {
        master.submit(() -> master.killWorkerByPid(pid));
    }

    /** Lets a worker finish its session, then replaces it. */
    public void recycleWorker(int pid) {
        master.submit(() -> master.recycleWorkerByPid(pid));
    }

    /** Closes a client's session. */
    public void kickSession(long id) {
        master.submit(() -> master.kickSession(id));
    }

    /** Closes every session from {@code host} (an IP address as sessions show it) and refuses it for a while. */
    public void banAddress(String host, Duration duration) {
        try {
            ban(host, duration, "banned from the console");
        } catch (DiskException | IllegalArgumentException e) {
            log(PoolEvent.Level.ERROR, "cannot ban " + host + ": " + e.getMessage());
        }
    }

    /** The ban list: the administrator's bans and the login throttle's, expired ones dropped. */
    public List<Ban> bans() throws DiskException {
        return withBanList(BanList::list);
    }

    /**
     * Bans an address or network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) for {@code length} (null: for good):
     * stored, so it outlasts a restart; new connections from it are refused, and its open sessions closed.
     *
     * @throws IllegalArgumentException when {@code target} is no address or network, saying why
     */
    public Ban ban(String target, Duration length, String reason) throws DiskException {
        AddressRange range = AddressRange.parse(target);
        synchronized (bansLock) {
            Ban ban = withBanList(list -> list.add(range, length, reason));
            applyBans();
            audit(AuditRecord.of(AuditRecord.BAN)
                    .address(range.toString())
                    .durationMs(length == null ? 0 : length.toMillis())
                    .detail(ban.reason())
                    .via("administrator")
                    .build());
            log(
                    PoolEvent.Level.WARN,
                    "banned " + range + (length == null ? " permanently" : " for " + Ban.formatLength(length))
                            + (ban.reason().isEmpty() ? "" : ": " + ban.reason()));
            return ban;
        }
    }

    /**
     * Lifts the bans on exactly {@code target}, manual or automatic (then its failed logins are forgotten too).
     *
     * @throws DiskException 404 when there is none
     */
    public void unban(String target) throws DiskException {
        AddressRange range = AddressRange.parse(target);
        synchronized (bansLock) {
            if (!withBanList(list -> list.remove(range))) {
                throw new DiskException(ReplyCode.NOT_FOUND, "no ban on " + range);
            }
            applyBans();
            audit(AuditRecord.of(AuditRecord.UNBAN)
                    .address(range.toString())
                    .via("administrator")
                    .build());
            log(PoolEvent.Level.INFO, "lifted the ban on " + range);
        }
    }

    /**
     * Reads the stored bans once the workers are up. Not before they are spawned: a master that opened SQLite before
     * spawning made ServeCommandTest's SIGHUP replacement stall a session (not understood yet). A client of a banned
     * network that connected in the meantime is closed when the master takes the list ({@link Master#useBans}).
     */
    private void loadBans() throws IOException {
        try {
            applyBans();
        } catch (DiskException e) {
            throw new IOException("cannot read the ban list: " + e.getMessage(), e);
        }
    }

    /** Hands the master the stored list's manual bans; off the loop, which never touches the database. */
    private void applyBans() throws DiskException {
        Bans matcher = Bans.of(withBanList(BanList::manual));
        master.submit(() -> master.useBans(matcher));
    }

    private interface BanWork<T> {
        T run(BanList list) throws DiskException;
    }

    /** Opens the database for one piece of ban work: rare, and never on the master loop. */
    private <T> T withBanList(BanWork<T> work) throws DiskException {
        try (DiskStore store = DiskStore.open(config.dataDir())) {
            return work.run(BanList.of(store));
        }
    }

    private void log(PoolEvent.Level level, String message) {
        notifier.event(new PoolEvent(java.time.Instant.now(), level, PoolEvent.Kind.SESSION, message));
    }

    /** Begins a graceful stop (what SIGTERM does) without waiting for it. */
    public void requestStop() {
        master.submit(() -> master.beginStop(config.grace().toMillis()));
    }

    /** Begins a fast stop: workers are killed at once. */
    public void requestFastStop() {
        master.submit(() -> master.beginStop(0));
    }

    public boolean awaitTermination(Duration timeout) {
        try {
            return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isRunning() {
        return terminated.getCount() > 0;
    }

    /** Why the server stopped by itself (for example workers that keep failing to start), or null. */
    public String failure() {
        return failure;
    }

    /** Stops gracefully and waits until every worker is gone. */
    @Override
    public void close() {
        requestStop();
        awaitTermination(config.grace().plusSeconds(15));
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** How the master reports its progress to the server object. */
    final class Lifecycle {

        InetSocketAddress address() {
            return address;
        }

        /** A worker's audit record, or the master's own. */
        void audit(AuditRecord record) {
            auditLog.record(record);
        }

        void workerReady(boolean allReady) {
            if (allReady) {
                ready.complete(null);
            }
        }

        void stopped(String error) {
            failure = error;
            housekeeper.close();
            control.close();
            if (metricsServer != null) {
                metricsServer.close();
            }
            auditLog.close();
            notifier.close();
            logFile.close();
            lock.release();
            terminated.countDown();
            ready.completeExceptionally(
                    new PoolStartException(error != null ? error : "server stopped while starting"));
        }
    }
}
