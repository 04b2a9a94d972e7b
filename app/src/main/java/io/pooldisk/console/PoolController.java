package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolStartException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * Starts and stops the in-process server on a background thread (both block: workers are spawned and
 * reaped), sends the administrator's actions to it off the FX thread, notices when it stops by itself,
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
    private final AtomicReference<PoolServer> server = new AtomicReference<>();
    private final BooleanProperty debugEvents = new SimpleBooleanProperty();
    private AutoCloseable debugTap;

    PoolController() {
        debugEvents.addListener((property, before, now) -> tapDebugEvents());
    }

    PoolModel model() {
        return model;
    }

    /** The running server. */
    Optional<PoolServer> server() {
        return Optional.ofNullable(server.get());
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
        lifecycle.execute(() -> startServer(config));
    }

    /** Stops the running server gracefully. FX thread. */
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

    void killWorker(int pid) {
        withServer(s -> s.killWorker(pid));
    }

    void recycleWorker(int pid) {
        withServer(s -> s.recycleWorker(pid));
    }

    void resize(int workers) {
        withServer(s -> s.resize(workers));
    }

    void kickSession(long id) {
        withServer(s -> s.kickSession(id));
    }

    /** Stops the server, waiting until its workers are gone; for the console's exit. */
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

    private void withServer(Consumer<PoolServer> action) {
        PoolServer running = server.get();
        if (running != null && !admin.isShutdown()) {
            admin.execute(() -> action.accept(running));
        }
    }

    private void startServer(PoolConfig config) {
        try {
            PoolServer started = PoolServer.start(config, model);
            model.onSnapshot(started.snapshot());
            server.set(started);
            InetSocketAddress listening = started.address();
            Platform.runLater(() -> {
                address.set(listening);
                status.set(Status.RUNNING);
                tapDebugEvents();
            });
            watch(started);
        } catch (PoolStartException | RuntimeException | LinkageError e) {
            String reason = firstLine(e);
            Platform.runLater(() -> stopped(reason));
        }
    }

    /** Waits on a thread of its own for the server to end; when nobody here stopped it, says so. */
    private void watch(PoolServer started) {
        Thread watcher = new Thread(
                () -> {
                    boolean ended;
                    do {
                        ended = started.awaitTermination(Duration.ofHours(1));
                    } while (!ended);
                    if (server.compareAndSet(started, null)) {
                        String why = started.failure();
                        String message = "the server stopped by itself" + (why == null ? "" : ": " + why);
                        Platform.runLater(() -> stopped(message));
                    }
                },
                "pool-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Subscribes the model's debug tap to the running server while the log wants DEBUG events. FX thread. */
    private void tapDebugEvents() {
        PoolServer running = server.get();
        if (debugEvents.get() && running != null && debugTap == null) {
            debugTap = running.subscribe(model.debugTap());
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
    }

    private void stopServer() {
        PoolServer running = server.getAndSet(null);
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
