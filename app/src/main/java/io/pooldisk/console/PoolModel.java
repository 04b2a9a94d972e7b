package io.pooldisk.console;

import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolListener;
import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.WorkerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The pool as the FX thread shows it. Fed by the pool's notifier thread: only the latest snapshot is
 * kept, and at most one {@link Platform#runLater} is pending at a time to bring it and the new events over.
 */
final class PoolModel implements PoolListener {

    static final int MAX_EVENTS = 1_000;

    private final ObservableList<WorkerInfo> workers = FXCollections.observableArrayList();
    private final ObservableList<PoolEvent> events = FXCollections.observableArrayList();
    private final AtomicReference<PoolSnapshot> latestSnapshot = new AtomicReference<>();
    private final Queue<PoolEvent> newEvents = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushPending = new AtomicBoolean();

    /** One entry per worker slot, as of the latest snapshot. FX thread only. */
    ObservableList<WorkerInfo> workers() {
        return workers;
    }

    /** The most recent {@value #MAX_EVENTS} events, oldest first. FX thread only. */
    ObservableList<PoolEvent> events() {
        return events;
    }

    @Override
    public void onSnapshot(PoolSnapshot snapshot) {
        latestSnapshot.set(snapshot);
        scheduleFlush();
    }

    @Override
    public void onEvent(PoolEvent event) {
        newEvents.add(event);
        scheduleFlush();
    }

    /** Empties the worker view once the server is gone. FX thread only. */
    void clearWorkers() {
        workers.clear();
    }

    private void scheduleFlush() {
        if (flushPending.compareAndSet(false, true)) {
            Platform.runLater(this::flush);
        }
    }

    private void flush() {
        flushPending.set(false);
        PoolSnapshot snapshot = latestSnapshot.getAndSet(null);
        if (snapshot != null) {
            workers.setAll(snapshot.workers());
        }
        List<PoolEvent> batch = new ArrayList<>();
        for (PoolEvent event; (event = newEvents.poll()) != null; ) {
            batch.add(event);
        }
        events.addAll(batch);
        if (events.size() > MAX_EVENTS) {
            events.remove(0, events.size() - MAX_EVENTS);
        }
    }
}
