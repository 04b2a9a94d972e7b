package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import io.pooldisk.pool.PoolStartException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Starts and stops the in-process server on a background thread (both block: workers are spawned and
 * reaped) and publishes what happened as properties, which change on the FX thread only.
 */
final class PoolController implements AutoCloseable {

    enum Status { STOPPED, STARTING, RUNNING, STOPPING }

    private final PoolConfig config;
    private final PoolModel model = new PoolModel();
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "pool-lifecycle");
        thread.setDaemon(true);
        return thread;
    });
    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.STOPPED);
    private final ReadOnlyObjectWrapper<InetSocketAddress> address = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper failure = new ReadOnlyStringWrapper("");
    private volatile PoolServer server;

    PoolController(PoolConfig config) {
        this.config = config;
    }

    PoolConfig config() {
        return config;
    }

    PoolModel model() {
        return model;
    }

    /** The running server, for its admin calls. */
    Optional<PoolServer> server() {
        return Optional.ofNullable(server);
    }

    ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Where the running server listens; null while none runs. */
    ReadOnlyObjectProperty<InetSocketAddress> addressProperty() {
        return address.getReadOnlyProperty();
    }

    /** Why the last start failed, in one line; empty otherwise. */
    ReadOnlyStringProperty failureProperty() {
        return failure.getReadOnlyProperty();
    }

    /** Starts the server unless one runs. FX thread. */
    void start() {
        if (status.get() != Status.STOPPED) {
            return;
        }
        status.set(Status.STARTING);
        failure.set("");
        lifecycle.execute(this::startServer);
    }

    /** Stops the running server gracefully. FX thread. */
    void stop() {
        if (status.get() != Status.RUNNING) {
            return;
        }
        status.set(Status.STOPPING);
        lifecycle.execute(() -> {
            stopServer();
            Platform.runLater(() -> {
                model.clearWorkers();
                address.set(null);
                status.set(Status.STOPPED);
            });
        });
    }

    /** Stops the server, waiting until its workers are gone; for the console's exit. */
    @Override
    public void close() {
        lifecycle.execute(this::stopServer);
        lifecycle.shutdown();
        try {
            lifecycle.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startServer() {
        try {
            PoolServer started = PoolServer.start(config, model);
            model.onSnapshot(started.snapshot());
            server = started;
            InetSocketAddress listening = started.address();
            Platform.runLater(() -> {
                address.set(listening);
                status.set(Status.RUNNING);
            });
        } catch (PoolStartException | RuntimeException | LinkageError e) {
            String reason = firstLine(e);
            Platform.runLater(() -> {
                model.clearWorkers();
                failure.set(reason);
                status.set(Status.STOPPED);
            });
        }
    }

    private void stopServer() {
        PoolServer running = server;
        if (running == null) {
            return;
        }
        server = null;
        running.close();
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
}
