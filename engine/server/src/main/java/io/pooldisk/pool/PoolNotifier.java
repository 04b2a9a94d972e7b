package io.pooldisk.pool;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Carries the master's changes to listeners on a thread of its own, so a slow listener never slows the loop.
 * Snapshots are coalesced to at most one per {@link #MIN_INTERVAL_MILLIS}; events queue up to a bound, and past it
 * are dropped and counted (the log says how many).
 */
final class PoolNotifier {

    static final long MIN_INTERVAL_MILLIS = 100;
    private static final int EVENT_CAPACITY = 10_000;

    private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
    private final BlockingQueue<PoolEvent> events = new ArrayBlockingQueue<>(EVENT_CAPACITY);
    private final AtomicReference<PoolSnapshot> pending = new AtomicReference<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile PoolSnapshot latest;
    private volatile boolean closed;
    private volatile boolean wantsDebug;
    private volatile boolean wantsSnapshots;
    /** Set by the master when something changed, and by a new listener, which wants a fresh snapshot at once. */
    private volatile boolean dirty = true;

    private long lastPublished;

    PoolNotifier(List<PoolListener> initial) {
        listeners.addAll(initial);
        wantsDebug = listeners.stream().anyMatch(PoolListener::wantsDebugEvents);
        wantsSnapshots = listeners.stream().anyMatch(PoolListener::wantsSnapshots);
        thread = new Thread(this::deliver, "pooldisk-notifier");
        thread.setDaemon(true);
        thread.start();
    }

    AutoCloseable subscribe(PoolListener listener) {
        listeners.add(listener);
        wantsDebug |= listener.wantsDebugEvents();
        wantsSnapshots |= listener.wantsSnapshots();
        dirty = true;
        PoolSnapshot now = latest;
        if (now != null) {
            pending.compareAndSet(null, now);
            LockSupport.unpark(thread);
        }
        return () -> unsubscribe(listener);
    }

    /** Stops calling {@code listener}, whether it came with the notifier or subscribed later. */
    void unsubscribe(PoolListener listener) {
        listeners.remove(listener);
        wantsDebug = listeners.stream().anyMatch(PoolListener::wantsDebugEvents);
        wantsSnapshots = listeners.stream().anyMatch(PoolListener::wantsSnapshots);
    }

    /** True when some listener wants per-connection (DEBUG) events. */
    boolean wantsDebug() {
        return wantsDebug;
    }

    PoolSnapshot latest() {
        return latest;
    }

    /** The delivering thread, for tests that check it sleeps. */
    Thread thread() {
        return thread;
    }

    // Called on the master thread.

    void changed() {
        dirty = true;
    }

    void maybePublish(Supplier<PoolSnapshot> snapshot) {
        long now = System.nanoTime() / 1_000_000;
        if (dirty && wantsSnapshots && now - lastPublished >= MIN_INTERVAL_MILLIS) {
            lastPublished = now;
            dirty = false;
            publish(snapshot.get());
        }
    }

    void publish(PoolSnapshot snapshot) {
        latest = snapshot;
        pending.set(snapshot);
        LockSupport.unpark(thread);
    }

    void event(PoolEvent event) {
        if (!events.offer(event)) {
            dropped.incrementAndGet();
        }
        LockSupport.unpark(thread);
    }

    /** Delivers what is left, then stops the thread. */
    void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // The notifier thread.

    /** Sleeps until there is something to deliver: an idle server's notifier never wakes by itself. */
    private void deliver() {
        while (true) {
            int queued = events.size(); // those queued now, then a snapshot: a busy master cannot starve snapshots
            for (int i = 0; i < queued; i++) {
                PoolEvent event = events.poll();
                forEach(l -> l.onEvent(event));
            }
            long lost = dropped.getAndSet(0);
            if (lost > 0) {
                PoolEvent note = new PoolEvent(
                        java.time.Instant.now(),
                        PoolEvent.Level.WARN,
                        PoolEvent.Kind.SERVER,
                        lost + " log events dropped: listeners too slow");
                forEach(l -> l.onEvent(note));
            }
            PoolSnapshot snapshot = pending.getAndSet(null);
            if (snapshot != null) {
                forEach(l -> l.onSnapshot(snapshot));
            }
            if (queued == 0 && snapshot == null) {
                if (closed && events.isEmpty() && pending.get() == null) {
                    return;
                }
                // An event or snapshot that came after the checks above has already unparked us: park returns at once.
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    return;
                }
            }
        }
    }

    private void forEach(java.util.function.Consumer<PoolListener> call) {
        for (PoolListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                System.err.println("pooldisk: a pool listener failed: " + e);
            }
        }
    }
}
