package io.pooldisk.pool;

import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.disk.GcReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Collects the storage's garbage on a thread of its own, never the master loop's: unfinished uploads older than the
 * upload TTL, and blobs no file points at any more. Runs soon after start, then every hour.
 */
final class Housekeeper implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofHours(1);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pooldisk-housekeeper");
        t.setDaemon(true);
        return t;
    });

    /** {@code uploadTtl} is asked each time, as a reload may change it. */
    Housekeeper(Path dataDir, Supplier<Duration> uploadTtl, Consumer<PoolEvent> log) {
        timer.scheduleAtFixedRate(
                () -> collect(dataDir, uploadTtl.get(), log), 5, PERIOD.toSeconds(), TimeUnit.SECONDS);
    }

    private static void collect(Path dataDir, Duration uploadTtl, Consumer<PoolEvent> log) {
        try (DiskStore store = DiskStore.open(dataDir)) {
            GcReport r = store.collectGarbage(uploadTtl);
            if (r.partsDeleted() + r.blobsDeleted() > 0) {
                log.accept(event(
                        PoolEvent.Level.INFO,
                        "storage: removed " + r.partsDeleted() + " stale uploads and " + r.blobsDeleted()
                                + " unused blobs, " + r.bytesFreed() + " bytes freed"));
            }
        } catch (DiskException | RuntimeException e) {
            log.accept(event(PoolEvent.Level.WARN, "storage clean-up failed: " + e.getMessage()));
        }
    }

    private static PoolEvent event(PoolEvent.Level level, String message) {
        return new PoolEvent(java.time.Instant.now(), level, PoolEvent.Kind.SERVER, message);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
