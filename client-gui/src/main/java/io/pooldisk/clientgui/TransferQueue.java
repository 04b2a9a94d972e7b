package io.pooldisk.clientgui;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.RateLimiter;
import io.pooldisk.client.TransferListener;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The uploads and downloads, each on a connection of its own, a few at a time. A transfer whose connection drops
 * (worker killed, server restarted, network gone) connects again and resumes from the bytes already in place,
 * backing off between attempts; Cancel closes its connection, Retry resumes it. A transfer belongs to the account
 * (server and user) that started it: it never moves bytes while the session is logged in as another. The speed limit
 * is a token bucket each transfer's connection asks before each piece. UI thread for the public methods.
 */
public final class TransferQueue implements AutoCloseable {

    /** Pauses before each automatic retry, in milliseconds; after the last, the transfer fails (Retry resumes it). */
    static final long[] RETRY_AFTER = {0, 500, 1000, 2000, 4000, 8000, 15000, 15000};

    static final int PARALLEL = 2;
    private static final long PUBLISH_EVERY_NANOS = 100_000_000L;

    private final ClientSession session;
    private final Notifier notifier;
    private final Executor ui;
    private final ExecutorService workers;
    private final ObservableList<Transfer> transfers =
            FXCollections.observableArrayList(t -> new javafx.beans.Observable[] {t.stateProperty()});
    private final LongProperty speedLimit = new SimpleLongProperty(this, "speedLimit");
    private volatile long limit;
    private final List<Consumer<Transfer>> onDone = new CopyOnWriteArrayList<>();

    public TransferQueue(ClientSession session, Notifier notifier, Executor ui) {
        this.session = session;
        this.notifier = notifier;
        this.ui = ui;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(PARALLEL, task -> {
            Thread t = new Thread(task, "pooldisk-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        speedLimit.addListener((p, was, now) -> limit = now.longValue());
    }

    public Transfer upload(Path local, String remote) {
        long size;
        try {
            size = Files.size(local);
        } catch (IOException e) {
            size = -1;
        }
        return add(new Transfer(Transfer.Kind.UPLOAD, local, remote, size, session.account()));
    }

    public Transfer download(String remote, Path local, long size) {
        return add(new Transfer(Transfer.Kind.DOWNLOAD, local, remote, size, session.account()));
    }

    private Transfer add(Transfer t) {
        transfers.add(t);
        workers.execute(() -> run(t));
        return t;
    }

    public void cancel(Transfer t) {
        if (t.state().over()) {
            return;
        }
        t.cancel();
        if (t.state() == Transfer.State.QUEUED || t.state() == Transfer.State.WAITING) {
            t.state(Transfer.State.CANCELLED, cancelledText(t));
        }
    }

    /**
     * Starts a failed or cancelled transfer again; it resumes from what is already in place. Refused, and said so,
     * when the session is not logged in as the account that started it.
     *
     * @return whether it started again
     */
    public boolean retry(Transfer t) {
        if (t.state() != Transfer.State.FAILED && t.state() != Transfer.State.CANCELLED) {
            return false;
        }
        ClientSession.Account now = session.account();
        if (t.account() != null && !t.account().equals(now)) {
            notifier.error("Retry refused. " + Errors.refusal(t.account(), now));
            return false;
        }
        t.rearm();
        t.state(Transfer.State.QUEUED, "Waiting");
        workers.execute(() -> run(t));
        return true;
    }

    /** Stops every transfer not yet over, saying why (they keep what they moved; Retry resumes them). */
    public void stopAll() {
        for (Transfer t : List.copyOf(transfers)) {
            cancel(t);
        }
    }

    public void clearFinished() {
        transfers.removeIf(t -> t.state() == Transfer.State.DONE);
    }

    // ---------------------------------------------------------------- the transferring thread

    private void run(Transfer t) {
        if (t.cancelled()) {
            return;
        }
        int run = t.run();
        for (int failures = 0; ; failures++) {
            int attempt = failures + 1;
            update(t, run, () -> {
                t.attempt(attempt);
                if (!t.cancelled()) {
                    t.state(Transfer.State.RUNNING, attempt == 1 ? "Connecting…" : "Reconnecting…");
                }
            });
            DiskClient c = null;
            try {
                c = session.openClient(t.account());
                c.setRateLimiter(new RateLimiter(() -> limit));
                t.attach(c);
                update(t, run, () -> {
                    if (!t.cancelled()) {
                        t.state(
                                Transfer.State.RUNNING,
                                t.kind() == Transfer.Kind.UPLOAD ? "Computing the SHA-256…" : "Starting…");
                    }
                });
                Meter meter = new Meter(t, run);
                String outcome;
                if (t.kind() == Transfer.Kind.UPLOAD) {
                    c.upload(t.local(), t.remote(), meter);
                    outcome = meter.instant() ? "Done · instant upload" : "Done · stored and verified";
                } else {
                    Files.createDirectories(t.local().getParent());
                    c.download(t.remote(), t.local(), meter);
                    outcome = "Done · verified (SHA-256)";
                }
                t.detach();
                quietly(c, true);
                long resumedFrom = meter.resumedFrom();
                String text = outcome + (resumedFrom > 0 ? " · resumed at " + Formats.size(resumedFrom) : "");
                update(t, run, () -> {
                    meter.finish();
                    t.state(Transfer.State.DONE, text);
                    onDone.forEach(listener -> listener.accept(t));
                });
                return;
            } catch (IOException | RuntimeException e) {
                t.detach();
                quietly(c, false);
                if (t.cancelled()) {
                    update(t, run, () -> t.state(Transfer.State.CANCELLED, cancelledText(t)));
                    return;
                }
                if (retryable(e, t, failures) && failures < RETRY_AFTER.length) {
                    long wait = RETRY_AFTER[failures];
                    String why = Errors.explain(e);
                    update(
                            t,
                            run,
                            () -> t.state(
                                    Transfer.State.WAITING,
                                    why + " Retrying"
                                            + (wait > 0 ? " in " + Formats.timeLeft(Math.max(1, wait / 1000)) : "")
                                            + "…"));
                    if (t.pause(wait)) {
                        update(t, run, () -> t.state(Transfer.State.CANCELLED, cancelledText(t)));
                        return;
                    }
                    continue;
                }
                String why = Errors.explain(e);
                update(t, run, () -> {
                    t.state(Transfer.State.FAILED, why);
                    notifier.error((t.kind() == Transfer.Kind.UPLOAD ? "Upload of " : "Download of ") + t.name()
                            + " failed: " + why);
                });
                return;
            }
        }
    }

    /** Changes {@code t}'s properties on the UI executor, unless a Retry started another run of it meanwhile. */
    private void update(Transfer t, int run, Runnable change) {
        ui.execute(() -> {
            if (t.run() == run) {
                change.run();
            }
        });
    }

    private static boolean retryable(Throwable e, Transfer t, int failures) {
        if (e instanceof DiskClientException d
                && d.is(ReplyCode.PRECONDITION_FAILED)
                && t.kind() == Transfer.Kind.DOWNLOAD) {
            return failures == 0; // the partial file did not match and was removed: one fresh try
        }
        return Errors.dropped(e);
    }

    private static String cancelledText(Transfer t) {
        return "Cancelled; Retry resumes from "
                + Formats.size(Math.max(0, t.doneProperty().get()));
    }

    private static void quietly(DiskClient c, boolean quit) {
        if (c == null) {
            return;
        }
        try {
            if (quit) {
                c.quit();
            } else {
                c.close();
            }
        } catch (IOException ignored) {
            // done with it
        }
    }

    /**
     * Watches one attempt's progress on the transferring thread: measures the speed and hands the numbers to the UI at
     * most ten times a second. The bytes it hears of are on their way (the socket took them) or in place.
     */
    private final class Meter implements TransferListener {
        private final Transfer t;
        private final int run;
        private long first = -1;
        private long sampleAt;
        private long sampleBytes = -1;
        private double speed;
        private long lastPublish;
        private volatile long done;
        private volatile long total = -1;
        private int calls;

        Meter(Transfer t, int run) {
            this.t = t;
            this.run = run;
        }

        @Override
        public void progress(long doneBytes, long totalBytes) {
            long now = System.nanoTime();
            calls++;
            done = doneBytes;
            total = totalBytes;
            if (first < 0) {
                first = doneBytes;
                sampleBytes = doneBytes;
                sampleAt = now;
                long from = doneBytes;
                update(t, run, () -> {
                    t.resumedAt(from);
                    if (!t.cancelled()) {
                        t.state(
                                Transfer.State.RUNNING,
                                from > 0
                                        ? "Resuming at " + Formats.size(from)
                                        : t.kind() == Transfer.Kind.UPLOAD ? "Uploading" : "Downloading");
                    }
                });
            }
            long span = now - sampleAt;
            if (span >= 1_000_000_000L) { // a second or more: smooths the bursts of an unlimited upload's pieces
                double recent = (doneBytes - sampleBytes) * 1e9 / span;
                speed = speed == 0 ? recent : 0.6 * recent + 0.4 * speed;
                sampleAt = now;
                sampleBytes = doneBytes;
            }
            if (now - lastPublish >= PUBLISH_EVERY_NANOS || doneBytes == totalBytes) {
                lastPublish = now;
                double s = speed;
                long left = s > 0 ? (long) Math.ceil((totalBytes - doneBytes) / s) : -1;
                update(t, run, () -> t.progress(doneBytes, totalBytes, s, left));
            }
            if (doneBytes == totalBytes && calls > 1 && t.kind() == Transfer.Kind.UPLOAD) {
                update(t, run, () -> {
                    if (!t.cancelled()) {
                        t.state(Transfer.State.RUNNING, "Sent; the server is verifying…");
                    }
                });
            }
        }

        long resumedFrom() {
            return Math.max(first, 0);
        }

        /** An upload that the server took without the bytes: one report, all at once, from 0 or from the end. */
        boolean instant() {
            return calls == 1 && total > 0 && done == total;
        }

        void finish() {
            t.progress(
                    total < 0 ? t.totalProperty().get() : total,
                    total < 0 ? t.totalProperty().get() : total,
                    0,
                    -1);
        }
    }

    // ---------------------------------------------------------------- observing

    public ObservableList<Transfer> transfers() {
        return transfers;
    }

    /** Bytes a second each transfer may move; 0 for no limit. */
    public LongProperty speedLimitProperty() {
        return speedLimit;
    }

    /** Runs on the UI executor when a transfer is done. */
    public void onDone(Consumer<Transfer> listener) {
        onDone.add(listener);
    }

    /** Stops the transfers (what they moved stays, for next time) and the threads. */
    @Override
    public void close() {
        for (Transfer t : List.copyOf(transfers)) {
            t.cancel();
        }
        workers.shutdownNow();
    }
}
