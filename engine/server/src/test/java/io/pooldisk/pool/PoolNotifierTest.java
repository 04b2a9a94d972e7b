package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PoolNotifierTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final PoolListener listener = new PoolListener() {
        @Override
        public void onSnapshot(PoolSnapshot snapshot) {
            heard.add("snapshot " + snapshot.accepted());
        }

        @Override
        public void onEvent(PoolEvent event) {
            heard.add(event.message());
        }
    };

    @Test
    void deliversEventsInOrderAndTheLatestSnapshot() {
        PoolNotifier notifier = new PoolNotifier(List.of(listener));
        notifier.event(event("one"));
        notifier.event(event("two"));
        notifier.publish(snapshot(7));
        await().atMost(PATIENCE).until(() -> heard.size() == 3);
        assertThat(heard).containsExactly("one", "two", "snapshot 7");
        notifier.close();
    }

    @Test
    void anIdleNotifierSleepsUntilThereIsSomethingToDeliver() {
        PoolNotifier notifier = new PoolNotifier(List.of(listener));
        Thread thread = notifier.thread();
        // WAITING, not TIMED_WAITING: nothing wakes it on a timer while the pool is quiet.
        await().atMost(PATIENCE).until(() -> thread.getState() == Thread.State.WAITING);
        notifier.event(event("wake"));
        await().atMost(PATIENCE).until(() -> heard.contains("wake"));
        await().atMost(PATIENCE).until(() -> thread.getState() == Thread.State.WAITING);
        notifier.close();
        await().atMost(PATIENCE).until(() -> !thread.isAlive());
    }

    @Test
    void aNewListenerGetsTheLatestSnapshotAtOnce() throws Exception {
        PoolNotifier notifier = new PoolNotifier(List.of());
        notifier.publish(snapshot(3));
        try (AutoCloseable subscription = notifier.subscribe(listener)) {
            await().atMost(PATIENCE).until(() -> heard.contains("snapshot 3"));
        }
        notifier.close();
    }

    @Test
    void snapshotsAreBuiltOnlyWhileSomeListenerWantsThem() throws Exception {
        PoolListener logOnly = new PoolListener() {
            @Override
            public boolean wantsSnapshots() {
                return false;
            }
        };
        PoolNotifier notifier = new PoolNotifier(List.of(logOnly));
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<PoolSnapshot> build = () -> snapshot(built.incrementAndGet());
        notifier.changed();
        notifier.maybePublish(build);
        assertThat(built).hasValue(0);
        try (AutoCloseable subscription = notifier.subscribe(listener)) {
            notifier.maybePublish(build); // a new listener wants one at once, changed or not
            assertThat(built).hasValue(1);
            await().atMost(PATIENCE).until(() -> heard.contains("snapshot 1"));
        }
        notifier.close();
    }

    @Test
    void closingDeliversWhatIsLeft() {
        PoolNotifier notifier = new PoolNotifier(List.of(listener));
        for (int i = 0; i < 100; i++) {
            notifier.event(event("e" + i));
        }
        notifier.close();
        assertThat(heard).hasSize(100).startsWith("e0").endsWith("e99");
    }

    private static PoolEvent event(String message) {
        return new PoolEvent(Instant.now(), PoolEvent.Level.INFO, PoolEvent.Kind.SERVER, message);
    }

    private static PoolSnapshot snapshot(long accepted) {
        return new PoolSnapshot(
                Instant.now(), "127.0.0.1:0", accepted, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of());
    }
}
