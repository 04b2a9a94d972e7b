package io.pooldisk.console;

import io.pooldisk.pool.PoolEvent;
import io.pooldisk.pool.PoolListener;
import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.WorkerInfo;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The pool as the window shows it. The pool's notifier thread only leaves the latest snapshot and the
 * newest events here; the FX thread takes them over in {@link #flush()} (about ten times a second) and
 * samples rates in {@link #tick(Instant)} (once a second). Everything but the two listener methods is
 * for the FX thread.
 */
final class PoolModel implements PoolListener {

    static final int MAX_EVENTS = 3_000;

    private final AtomicReference<PoolSnapshot> latestSnapshot = new AtomicReference<>();
    private final Deque<PoolEvent> newEvents = new ArrayDeque<>();
    private final ObservableList<WorkerInfo> workers = FXCollections.observableArrayList();
    private final ObservableList<PoolEvent> events = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<PoolSnapshot> snapshot = new ReadOnlyObjectWrapper<>();
    private final IntegerProperty selectedSlot = new SimpleIntegerProperty(-1);
    private final ObjectProperty<WorkerInfo> selectedWorker = new SimpleObjectProperty<>();
    private final SessionRows sessions = new SessionRows();
    private final WorkerHistory history = new WorkerHistory();
    private final Throughput throughput = new Throughput();

    PoolModel() {
        selectedSlot.addListener((property, before, now) -> selectedWorker.set(workerIn(snapshot.get())));
    }

    /** One entry per worker slot, as of the latest snapshot. */
    ObservableList<WorkerInfo> workers() {
        return workers;
    }

    /** The most recent {@value #MAX_EVENTS} events, oldest first. */
    ObservableList<PoolEvent> events() {
        return events;
    }

    /** The latest snapshot; null while no server runs. */
    ReadOnlyObjectProperty<PoolSnapshot> snapshotProperty() {
        return snapshot.getReadOnlyProperty();
    }

    /** The slot of the worker a person selected, or -1. */
    IntegerProperty selectedSlotProperty() {
        return selectedSlot;
    }

    /** The selected slot's worker as of the latest snapshot, or null. */
    ObjectProperty<WorkerInfo> selectedWorkerProperty() {
        return selectedWorker;
    }

    SessionRows sessions() {
        return sessions;
    }

    WorkerHistory history() {
        return history;
    }

    Throughput throughput() {
        return throughput;
    }

    @Override
    public void onSnapshot(PoolSnapshot snapshot) {
        latestSnapshot.set(snapshot);
    }

    /** Events below DEBUG; DEBUG ones come through {@link #debugTap()} only while someone wants them. */
    @Override
    public void onEvent(PoolEvent event) {
        if (event.level() != PoolEvent.Level.DEBUG) {
            keep(event);
        }
    }

    /**
     * A listener that brings the DEBUG events (every hand-off, session and batch of commands) into the log. The
     * server only builds them while such a listener is subscribed, as a busy server makes thousands a second.
     */
    PoolListener debugTap() {
        return new PoolListener() {
            @Override
            public void onEvent(PoolEvent event) {
                if (event.level() == PoolEvent.Level.DEBUG) {
                    keep(event);
                }
            }

            @Override
            public boolean wantsDebugEvents() {
                return true;
            }
        };
    }

    private void keep(PoolEvent event) {
        synchronized (newEvents) {
            newEvents.add(event);
            if (newEvents.size() > MAX_EVENTS) {
                newEvents.removeFirst();
            }
        }
    }

    /** Takes over the latest snapshot and the new events. */
    void flush() {
        PoolSnapshot latest = latestSnapshot.getAndSet(null);
        if (latest != null) {
            show(latest);
        }
        List<PoolEvent> batch;
        synchronized (newEvents) {
            batch = new ArrayList<>(newEvents);
            newEvents.clear();
        }
        if (!batch.isEmpty()) {
            events.addAll(batch);
            if (events.size() > MAX_EVENTS) {
                events.remove(0, events.size() - MAX_EVENTS);
            }
        }
    }

    /** Samples rates and speeds, and redraws the tiles so their uptimes move on. */
    void tick(Instant now) {
        PoolSnapshot current = snapshot.get();
        if (current != null) {
            throughput.sample(now, current);
            sessions.sample(now);
            workers.setAll(current.workers());
        }
    }

    /** Forgets the server that has gone; the log stays. */
    void clear() {
        latestSnapshot.set(null);
        snapshot.set(null);
        workers.clear();
        sessions.update(List.of());
        selectedWorker.set(null);
        throughput.reset();
    }

    private void show(PoolSnapshot latest) {
        snapshot.set(latest);
        workers.setAll(latest.workers());
        sessions.update(latest.sessions());
        history.record(latest, Instant.now());
        selectedWorker.set(workerIn(latest));
    }

    private WorkerInfo workerIn(PoolSnapshot from) {
        if (from == null) {
            return null;
        }
        return from.workers().stream()
                .filter(worker -> worker.slot() == selectedSlot.get())
                .findFirst()
                .orElse(null);
    }
}
