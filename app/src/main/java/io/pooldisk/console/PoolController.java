package io.pooldisk.console;

import io.pooldisk.pool.AuditLog;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * Starts and stops the in-process server, or attaches to a headless one through its control socket, on a
 * background thread (both block: workers are spawned and reaped, sockets connect); sends the administrator's actions
 * to the {@link ServerHandle} off the FX thread, notices when the server stops by itself (or the socket to it breaks),
 * and publishes what happened as properties, which change on the FX thread only.
 */
final class PoolController implements AutoCloseable {

    enum Status {
        STOPPED,
        STARTING,
        RUNNING,
        STOPPING
    }

    private final PoolModel model = new PoolModel();
    private final ExecutorService lifecycle = daemonExecutor("pool-lifecycle");
    private final ExecutorService admin = daemonExecutor("pool-admin");
    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.STOPPED);
    private final ReadOnlyObjectWrapper<InetSocketAddress> address = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper failure = new ReadOnlyStringWrapper("");
    private final AtomicReference<ServerHandle> server = new AtomicReference<>();
    /** The data directory of the attached server; null while the server runs in-process or none does. */
    private final ReadOnlyObjectWrapper<Path> attachedTo = new ReadOnlyObjectWrapper<>();
    /** A data directory whose running server the console could attach to now; null when none. */
    private final ReadOnlyObjectWrapper<Path> attachable = new ReadOnlyObjectWrapper<>();

    private final ReadOnlyStringWrapper stoppedText = new ReadOnlyStringWrapper("Stopped");
    private final BooleanProperty debugEvents = new SimpleBooleanProperty();
    private AutoCloseable debugTap;

    PoolController() {
        debugEvents.addListener((property, before, now) -> tapDebugEvents());
    }

    PoolModel model() {
        return model;
    }

    /** The server running in this process. */
    /** The server shown, in this process or attached. */
    Optional<ServerHandle> handle() {
        return Optional.ofNullable(server.get());
    }

    Optional<PoolServer> server() {
        return server.get() instanceof LocalServer local ? Optional.of(local.server()) : Optional.empty();
    }

    /** The data directory of the server the console is attached to; null when it runs its own or none. */
    ReadOnlyObjectProperty<Path> attachedToProperty() {
        return attachedTo.getReadOnlyProperty();
    }

    /**
     * A data directory with a running server to attach to: the one a start found in use, or the one whose server the
     * console was attached to until it stopped. Null otherwise.
     */
    ReadOnlyObjectProperty<Path> attachableProperty() {
        return attachable.getReadOnlyProperty();
    }

    /** What the status bar says while nothing runs: "Stopped", or "Server at DIR stopped" after an attachment. */
    ReadOnlyStringProperty stoppedTextProperty() {
        return stoppedText.getReadOnlyProperty();
    }

    /** The sessions open on the running server, as of the latest snapshot the window took. FX thread. */
    int openSessions() {
        return model.snapshotProperty().get() == null
                ? 0
                : model.snapshotProperty().get().sessions().size();
    }

    /** Whether the console runs the server in its own process now. */
    boolean runsInProcess() {
        return server.get() instanceof LocalServer;
    }

    ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Where the running server listens; null while none runs. */
    ReadOnlyObjectProperty<InetSocketAddress> addressProperty() {
        return address.getReadOnlyProperty();
    }

    /** Why the last start failed or the server stopped by itself, in one line; empty otherwise. */
    ReadOnlyStringProperty failureProperty() {
        return failure.getReadOnlyProperty();
    }

    /** Whether the log gets the DEBUG events (hand-offs, sessions, commands); off by default, as they cost. */
    BooleanProperty debugEventsProperty() {
        return debugEvents;
    }

    /** Forgets the last failure (the person closed its message). FX thread. */
    void dismissFailure() {
        failure.set("");
    }

    /** Starts a server with the configuration {@code settings} gives, unless one runs. FX thread. */
    void start(SettingsModel settings) {
        if (status.get() != Status.STOPPED) {
            return;
        }
        PoolConfig config;
        try {
            config = settings.toConfig();
        } catch (IllegalArgumentException e) {
            failure.set("cannot start: " + e.getMessage());
            return;
        }
        status.set(Status.STARTING);
        failure.set("");
        attachable.set(null);
        stoppedText.set("Stopped");
        Path dataDir = config.dataDir();
        lifecycle.execute(() -> startServer(config, dataDir));
    }

    /** Attaches to the server running headless on {@code dataDir}, unless a server is shown already. FX thread. */
    void attach(Path dataDir) {
        if (status.get() != Status.STOPPED) {
            return;
        }
        Path dir = dataDir.toAbsolutePath();
        status.set(Status.STARTING);
        failure.set("");
        attachable.set(null);
        stoppedText.set("Stopped");
        lifecycle.execute(() -> attachServer(dir));
    }

    /** Stops the server the console runs gracefully, or detaches from an attached one (which goes on). FX thread. */
    void stop() {
        if (status.get() != Status.RUNNING) {
            return;
        }
        status.set(Status.STOPPING);
        lifecycle.execute(() -> {
            stopServer();
            Platform.runLater(() -> stopped(""));
        });
    }

    /**
     * Lets the in-process server go on without the console: the console no longer listens to it, and neither
     * {@link #stop} nor {@link #close} stops it. Empty when it runs no server of its own. FX thread.
     */
    Optional<PoolServer> keepRunningHeadless() {
        ServerHandle running = server.get();
        if (!(running instanceof LocalServer local) || !server.compareAndSet(running, null)) {
            return Optional.empty();
        }
        if (debugTap != null) {
            closeDebugTap();
        }
        PoolServer kept = local.release();
        stopped("");
        return Optional.of(kept);
    }

    void killWorker(int pid) {
        withServer("kill worker " + pid, s -> s.killWorker(pid));
    }

    void recycleWorker(int pid) {
        withServer("recycle worker " + pid, s -> s.recycleWorker(pid));
    }

    void resize(int workers) {
        withServer("resize", s -> s.resize(workers));
    }

    void kickSession(long id) {
        withServer("kick session " + id, s -> s.kickSession(id));
    }

    /**
     * Stops the in-process server, waiting until its workers are gone, or detaches from an attached one, which goes
     * on; for the console's exit.
     */
    @Override
    public void close() {
        admin.shutdown();
        lifecycle.execute(this::stopServer);
        lifecycle.shutdown();
        try {
            lifecycle.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes an account change to the audit log: through the server when it is this console's and serves
     * {@code dataDir} (so it shows in the Log tab too), else straight to the data directory's audit.log (an attached
     * server's, or none running). Off the FX thread.
     */
    void audit(Path dataDir, AuditRecord record) throws IOException {
        ServerHandle running = server.get();
        if (running != null && running.dataDir().toAbsolutePath().equals(dataDir.toAbsolutePath())) {
            running.audit(record);
        } else {
            AuditLog.append(dataDir, record);
        }
    }

    private interface Action {
        void on(ServerHandle server) throws IOException;
    }

    /** Runs an action off the FX thread; a refusal (an attached server's ERR answer) shows in the banner. */
    private void withServer(String what, Action action) {
        ServerHandle running = server.get();
        if (running != null && !admin.isShutdown()) {
            admin.execute(() -> {
                try {
                    action.on(running);
                } catch (IOException | RuntimeException e) {
                    String reason = "cannot " + what + ": " + firstLine(e);
                    Platform.runLater(() -> failure.set(reason));
                }
            });
        }
    }

    private void startServer(PoolConfig config, Path dataDir) {
        try {
            running(LocalServer.start(config, model));
        } catch (PoolStartException | RuntimeException | LinkageError e) {
            String reason = firstLine(e);
            boolean inUse = reason.contains("in use by another PoolDisk server")
                    && Files.exists(DataDirs.controlSocket(dataDir));
            Platform.runLater(() -> {
                stopped(inUse ? reason + ". Attach to it to watch and manage it here." : reason);
                if (inUse) {
                    attachable.set(dataDir.toAbsolutePath());
                }
            });
        }
    }

    private void attachServer(Path dataDir) {
        try {
            running(AttachedServer.attach(dataDir, model));
        } catch (IOException | RuntimeException e) {
            String reason = "cannot attach to " + dataDir + ": " + firstLine(e);
            Platform.runLater(() -> stopped(reason));
        }
    }

    private void running(ServerHandle started) {
        server.set(started);
        InetSocketAddress listening = started.address();
        Path attached = started.inProcess() ? null : started.dataDir();
        Platform.runLater(() -> {
            address.set(listening);
            attachedTo.set(attached);
            status.set(Status.RUNNING);
            tapDebugEvents();
        });
        watch(started);
    }

    /** Waits on a thread of its own for the server (or the socket to it) to end; when nobody here ended it, says so. */
    private void watch(ServerHandle started) {
        Thread watcher = new Thread(
                () -> {
                    String why = started.awaitEnd();
                    if (server.compareAndSet(started, null)) {
                        String message = started.inProcess()
                                ? "the server stopped by itself" + (why == null ? "" : ": " + why)
                                : "Server at " + started.dataDir() + " stopped" + (why == null ? "" : " (" + why + ")");
                        Platform.runLater(() -> {
                            stopped(message);
                            if (!started.inProcess()) {
                                stoppedText.set("Server at " + started.dataDir() + " stopped");
                                attachable.set(started.dataDir());
                            }
                        });
                    }
                },
                "pool-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Subscribes the model's debug tap to the running server while the log wants DEBUG events. FX thread. */
    private void tapDebugEvents() {
        ServerHandle running = server.get();
        if (debugEvents.get() && running != null && debugTap == null) {
            debugTap = running.subscribeDebug(model.debugTap());
        } else if (!debugEvents.get() && debugTap != null) {
            closeDebugTap();
        }
    }

    private void closeDebugTap() {
        try {
            debugTap.close();
        } catch (Exception e) {
            // the subscription of a stopped server: nothing left to end
        }
        debugTap = null;
    }

    private void stopped(String reason) {
        if (debugTap != null) {
            closeDebugTap();
        }
        model.clear();
        failure.set(reason);
        status.set(Status.STOPPED);
        address.set(null);
        attachedTo.set(null);
    }

    private void stopServer() {
        ServerHandle running = server.getAndSet(null);
        if (running != null) {
            running.close();
        }
    }

    /** The first line of the message, from the cause when the failure itself says nothing (a failed class init). */
    private static String firstLine(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = failure.getCause();
            return cause != null ? firstLine(cause) : failure.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }

    private static ExecutorService daemonExecutor(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
