package io.pooldisk.console;

import io.pooldisk.pool.SessionInfo;
import java.time.Duration;
import java.time.Instant;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One session in the sessions table; updated in place so a selected row stays selected. */
final class SessionRow {

    private final long id;
    private final String client;
    private final Instant since;
    private final StringProperty user = new SimpleStringProperty();
    private final StringProperty where = new SimpleStringProperty();
    private final LongProperty bytesIn = new SimpleLongProperty();
    private final LongProperty bytesOut = new SimpleLongProperty();
    private final DoubleProperty speed = new SimpleDoubleProperty();
    private long sampledBytes;
    private Instant sampledAt;

    SessionRow(SessionInfo session) {
        id = session.id();
        client = session.client();
        since = session.since();
        update(session);
        sampledBytes = session.bytesIn() + session.bytesOut();
    }

    void update(SessionInfo session) {
        user.set(session.user());
        where.set(describeWorker(session.workerPid()));
        bytesIn.set(session.bytesIn());
        bytesOut.set(session.bytesOut());
    }

    /** Bytes a second moved since the previous sample. */
    void sample(Instant now) {
        long moved = bytesIn.get() + bytesOut.get();
        if (sampledAt != null && now.isAfter(sampledAt)) {
            speed.set((moved - sampledBytes)
                    * 1000.0
                    / Duration.between(sampledAt, now).toMillis());
        }
        sampledAt = now;
        sampledBytes = moved;
    }

    static String describeWorker(int pid) {
        return switch (pid) {
            case 0 -> "parked";
            case -1 -> "queued";
            default -> "PID " + pid;
        };
    }

    /** The client's host, without the port: what a ban takes. */
    String host() {
        int colon = client.lastIndexOf(':');
        String host = colon < 0 ? client : client.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    long id() {
        return id;
    }

    String client() {
        return client;
    }

    Instant since() {
        return since;
    }

    StringProperty userProperty() {
        return user;
    }

    /** "parked", "queued" or "PID n". */
    StringProperty whereProperty() {
        return where;
    }

    LongProperty bytesInProperty() {
        return bytesIn;
    }

    LongProperty bytesOutProperty() {
        return bytesOut;
    }

    DoubleProperty speedProperty() {
        return speed;
    }
}
