package io.pooldisk.pool;

import io.pooldisk.control.WorkerOptions;
import io.pooldisk.disk.InstantUploadPolicy;
import io.pooldisk.protocol.DefaultAddress;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Everything the master needs to run. The worker count can change through {@link PoolServer#resize(int)}, and all but
 * the address, the data directory and the launcher through {@link PoolServer#reload(PoolConfig)}. Build with
 * {@link #builder()}.
 *
 * @param bind              resolved address to listen on (port 0 picks a free one)
 * @param workers           worker processes to keep running
 * @param dataDir           the server's data directory (lock, control socket, log)
 * @param maxPending        sessions with work that may wait for a worker at once before the next gets ERR 503; 0: as
 *                          many as are open (a waiting session costs the master no more than a parked one)
 * @param queueTimeout      how long a session with work may wait for a worker before it gets ERR 503
 * @param requestTimeout    a worker making no progress in one command for this long is killed
 * @param maxRequests       recycle a worker after this many commands (0: never)
 * @param maxRequestsJitter add up to this many to maxRequests per worker, so they do not all recycle at once
 * @param grace             on a graceful stop, how long commands in flight may take to finish
 * @param idleTimeout       parked sessions idle this long are closed
 * @param linger            how long a worker may wait for its client (the next command, a transfer's socket) before
 *                          handing the session back; it hands it back at once when another session needs the worker
 * @param maxSessions       open sessions allowed at once; past it new connections get ERR 503
 * @param uploadTtl         unfinished uploads untouched this long are deleted
 * @param loginMaxFailures  failed logins from one address allowed within loginWindow
 * @param loginWindow       the window failed logins are counted in
 * @param loginBan          how long an address with too many failed logins is refused
 * @param instantUploads    the content users may upload instantly (proving possession instead of sending it):
 *                          their own (the default), anyone's, or none
 * @param metrics           where to serve /metrics and /status.json over HTTP, or null for nowhere (the default)
 * @param proxyFrom         the proxies (addresses, networks) whose connections begin with a PROXY v2 header naming
 *                          the real client; {@link ProxySources#NONE} (the default): none
 * @param logMaxBytes       server.log and audit.log are rotated before they would grow past this (0: never)
 * @param logFiles          rotated files kept of each log: server.log.1 to server.log.N
 * @param launcher          how to start a worker process
 */
public record PoolConfig(
        InetSocketAddress bind,
        int workers,
        Path dataDir,
        int maxPending,
        Duration queueTimeout,
        Duration requestTimeout,
        int maxRequests,
        int maxRequestsJitter,
        Duration grace,
        Duration idleTimeout,
        Duration linger,
        int maxSessions,
        Duration uploadTtl,
        int loginMaxFailures,
        Duration loginWindow,
        Duration loginBan,
        InstantUploadPolicy instantUploads,
        InetSocketAddress metrics,
        ProxySources proxyFrom,
        long logMaxBytes,
        int logFiles,
        WorkerLauncher launcher) {

    public static final int MAX_WORKERS = 256;
    public static final int MAX_LOG_FILES = 1000;

    public PoolConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(instantUploads, "instantUploads");
        Objects.requireNonNull(proxyFrom, "proxyFrom");
        Objects.requireNonNull(launcher, "launcher");
        requireRange("workers", workers, 1, MAX_WORKERS);
        requireRange("maxPending", maxPending, 0, 1_000_000);
        requireRange("maxRequests", maxRequests, 0, Integer.MAX_VALUE);
        requireRange("maxRequestsJitter", maxRequestsJitter, 0, Integer.MAX_VALUE);
        requireRange("maxSessions", maxSessions, 1, 1_000_000);
        requireRange("loginMaxFailures", loginMaxFailures, 1, 1_000_000);
        requireRange("logFiles", logFiles, 1, MAX_LOG_FILES);
        if (logMaxBytes < 0) {
            throw new IllegalArgumentException("logMaxBytes must not be negative, not " + logMaxBytes);
        }
        for (Duration d : new Duration[] {
            queueTimeout, requestTimeout, grace, idleTimeout, linger, uploadTtl, loginWindow, loginBan
        }) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be zero or positive");
            }
        }
    }

    static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server's defaults, kept in one place (the {@link Builder}): {@code pooldisk serve} takes its defaults and its
     * help text from here, and so does the console.
     */
    public static PoolConfig defaults() {
        return new Builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.bind = bind;
        b.workers = workers;
        b.dataDir = dataDir;
        b.maxPending = maxPending;
        b.queueTimeout = queueTimeout;
        b.requestTimeout = requestTimeout;
        b.maxRequests = maxRequests;
        b.maxRequestsJitter = maxRequestsJitter;
        b.grace = grace;
        b.idleTimeout = idleTimeout;
        b.linger = linger;
        b.maxSessions = maxSessions;
        b.uploadTtl = uploadTtl;
        b.loginMaxFailures = loginMaxFailures;
        b.loginWindow = loginWindow;
        b.loginBan = loginBan;
        b.instantUploads = instantUploads;
        b.metrics = metrics;
        b.proxyFrom = proxyFrom;
        b.logMaxBytes = logMaxBytes;
        b.logFiles = logFiles;
        b.launcher = launcher;
        return b;
    }

    /**
     * What differs from {@code before} to {@code after}, for the log: {@code "workers 2 -> 3, linger 50ms -> 1s"}, or
     * empty. Over every component, so that a setting added later is reported too.
     */
    static String changes(PoolConfig before, PoolConfig after) {
        StringJoiner changes = new StringJoiner(", ");
        for (RecordComponent c : PoolConfig.class.getRecordComponents()) {
            try {
                Object was = c.getAccessor().invoke(before);
                Object is = c.getAccessor().invoke(after);
                if (!Objects.equals(was, is)) {
                    changes.add(c.getName() + " " + text(was) + " -> " + text(is));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return changes.toString();
    }

    private static String text(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        return value instanceof InstantUploadPolicy p ? p.option() : String.valueOf(value);
    }

    /** What each worker process is told on its command line. */
    public WorkerOptions workerOptions(int masterPid) {
        return new WorkerOptions(
                masterPid, dataDir, linger, loginMaxFailures, loginWindow, loginBan, instantUploads.option());
    }

    /** Starts from the server's defaults ({@link #defaults()}). */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress(DefaultAddress.HOST, DefaultAddress.PORT);
        private int workers = 5;
        private Path dataDir = DataDirs.defaultDataDir();
        private int maxPending = 0;
        private Duration queueTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxRequests = 0;
        private int maxRequestsJitter = 0;
        private Duration grace = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration linger = Duration.ofMillis(50);
        private int maxSessions = 10_000;
        private Duration uploadTtl = Duration.ofHours(24);
        private int loginMaxFailures = 5;
        private Duration loginWindow = Duration.ofMinutes(1);
        private Duration loginBan = Duration.ofMinutes(5);
        private InstantUploadPolicy instantUploads = InstantUploadPolicy.OWN;
        private InetSocketAddress metrics = null;
        private ProxySources proxyFrom = ProxySources.NONE;
        private long logMaxBytes = 10L << 20;
        private int logFiles = 5;
        private WorkerLauncher launcher = WorkerLauncher.currentJvm();

        public Builder bind(InetSocketAddress v) {
            bind = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder maxPending(int v) {
            maxPending = v;
            return this;
        }

        public Builder queueTimeout(Duration v) {
            queueTimeout = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            requestTimeout = v;
            return this;
        }

        public Builder maxRequests(int v) {
            maxRequests = v;
            return this;
        }

        public Builder maxRequestsJitter(int v) {
            maxRequestsJitter = v;
            return this;
        }

        public Builder grace(Duration v) {
            grace = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder linger(Duration v) {
            linger = v;
            return this;
        }

        public Builder maxSessions(int v) {
            maxSessions = v;
            return this;
        }

        public Builder uploadTtl(Duration v) {
            uploadTtl = v;
            return this;
        }

        public Builder loginMaxFailures(int v) {
            loginMaxFailures = v;
            return this;
        }

        public Builder loginWindow(Duration v) {
            loginWindow = v;
            return this;
        }

        public Builder loginBan(Duration v) {
            loginBan = v;
            return this;
        }

        public Builder instantUploads(InstantUploadPolicy v) {
            instantUploads = v;
            return this;
        }

        /** Where to serve /metrics and /status.json (port 0 picks a free one), or null for nowhere. */
        public Builder metrics(InetSocketAddress v) {
            metrics = v;
            return this;
        }

        public Builder proxyFrom(ProxySources v) {
            proxyFrom = v;
            return this;
        }

        public Builder logMaxBytes(long v) {
            logMaxBytes = v;
            return this;
        }

        public Builder logFiles(int v) {
            logFiles = v;
            return this;
        }

        public Builder launcher(WorkerLauncher v) {
            launcher = v;
            return this;
        }

        public PoolConfig build() {
            return new PoolConfig(
                    bind,
                    workers,
                    dataDir,
                    maxPending,
                    queueTimeout,
                    requestTimeout,
                    maxRequests,
                    maxRequestsJitter,
                    grace,
                    idleTimeout,
                    linger,
                    maxSessions,
                    uploadTtl,
                    loginMaxFailures,
                    loginWindow,
                    loginBan,
                    instantUploads,
                    metrics,
                    proxyFrom,
                    logMaxBytes,
                    logFiles,
                    launcher);
        }
    }
}
