package io.pooldisk.clientgui;

import io.pooldisk.client.DiskClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One upload or download in the queue. Its properties change on the UI executor; the fields below them belong to the
 * thread that moves the bytes and to whoever cancels.
 */
public final class Transfer {

    public enum Kind {
        UPLOAD,
        DOWNLOAD
    }

    public enum State {
        QUEUED,
        RUNNING,
        WAITING,
        DONE,
        FAILED,
        CANCELLED;

        /** Finished one way or another: Retry applies to FAILED and CANCELLED. */
        public boolean over() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    private final Kind kind;
    private final Path local;
    private final String remote;
    private final ClientSession.Account account;
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(this, "state", State.QUEUED);
    private final LongProperty done = new SimpleLongProperty(this, "done");
    private final LongProperty total = new SimpleLongProperty(this, "total", -1);
    private final DoubleProperty speed = new SimpleDoubleProperty(this, "speed");
    private final LongProperty secondsLeft = new SimpleLongProperty(this, "secondsLeft", -1);
    private final StringProperty message = new SimpleStringProperty(this, "message", "Waiting");
    private final IntegerProperty attempts = new SimpleIntegerProperty(this, "attempts");
    private final LongProperty resumedAt = new SimpleLongProperty(this, "resumedAt", -1);

    // ---- the transferring thread's side
    private volatile boolean cancelled;
    private volatile int run;
    private volatile CountDownLatch cancelSignal = new CountDownLatch(1);
    private final AtomicReference<DiskClient> connection = new AtomicReference<>();

    Transfer(Kind kind, Path local, String remote, long sizeHint, ClientSession.Account account) {
        this.kind = kind;
        this.local = local;
        this.remote = remote;
        this.account = account;
        this.total.set(sizeHint);
    }

    public Kind kind() {
        return kind;
    }

    public Path local() {
        return local;
    }

    public String remote() {
        return remote;
    }

    /** The account that started it, and the only one it moves bytes for; null when started without a connection. */
    public ClientSession.Account account() {
        return account;
    }

    /** The name people know it by: the file's name. */
    public String name() {
        return kind == Kind.UPLOAD ? local.getFileName().toString() : Formats.name(remote);
    }

    /** Where it goes: the remote folder for an upload, the local folder for a download. */
    public String destination() {
        return kind == Kind.UPLOAD ? Formats.parent(remote) : String.valueOf(local.getParent());
    }

    // ---------------------------------------------------------------- cancelling (any thread)

    /** Stops it: closing its connection aborts a transfer in the middle of its bytes. */
    void cancel() {
        cancelled = true;
        cancelSignal.countDown();
        DiskClient c = connection.get();
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // it is being closed to abort
            }
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    /**
     * Makes a cancelled or failed transfer ready to run again. A thread still winding up the previous run sees the
     * run number change and leaves the properties alone.
     */
    void rearm() {
        run++;
        cancelled = false;
        cancelSignal = new CountDownLatch(1);
    }

    /** Which run this is: 0, then one more for each {@link #rearm}. */
    int run() {
        return run;
    }

    /** Waits {@code millis}, or less if cancelled; true when cancelled. */
    boolean pause(long millis) {
        try {
            return cancelSignal.await(millis, TimeUnit.MILLISECONDS) || cancelled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    void attach(DiskClient c) {
        connection.set(c);
        if (cancelled) {
            cancel();
        }
    }

    void detach() {
        connection.set(null);
    }

    // ---------------------------------------------------------------- properties (UI executor)

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state;
    }

    public State state() {
        return state.get();
    }

    void state(State s, String text) {
        // The message first: whoever sees the new state (a listener, a test polling it) also sees its message.
        message.set(text);
        state.set(s);
        if (s != State.RUNNING) {
            speed.set(0);
            secondsLeft.set(-1);
        }
    }

    /** Bytes in place, counting those an earlier attempt moved. */
    public ReadOnlyLongProperty doneProperty() {
        return done;
    }

    /** The file's size, -1 until known. */
    public ReadOnlyLongProperty totalProperty() {
        return total;
    }

    /** 0 to 1, or -1 while unknown. */
    public double progress() {
        long t = total.get();
        return t < 0 ? -1 : t == 0 ? (state.get() == State.DONE ? 1 : 0) : (double) done.get() / t;
    }

    /** Bytes a second lately, 0 when not moving. */
    public ReadOnlyDoubleProperty speedProperty() {
        return speed;
    }

    public ReadOnlyLongProperty secondsLeftProperty() {
        return secondsLeft;
    }

    public ReadOnlyStringProperty messageProperty() {
        return message;
    }

    public String message() {
        return message.get();
    }

    /** How many times it was started, retries included. */
    public ReadOnlyIntegerProperty attemptsProperty() {
        return attempts;
    }

    /** The byte the latest attempt started from (above 0: it resumed), -1 before any. */
    public ReadOnlyLongProperty resumedAtProperty() {
        return resumedAt;
    }

    void progress(long doneBytes, long totalBytes, double bytesPerSecond, long left) {
        done.set(doneBytes);
        total.set(totalBytes);
        speed.set(bytesPerSecond);
        secondsLeft.set(left);
    }

    void attempt(int n) {
        attempts.set(n);
    }

    void resumedAt(long offset) {
        resumedAt.set(offset);
    }

    @Override
    public String toString() {
        return kind + " " + local + " <-> " + remote + " " + state.get() + " " + message.get();
    }
}
