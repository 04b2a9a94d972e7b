package io.pooldisk.pool;

import java.time.Instant;

/** A line of the pool's log: hand-offs, commands, worker births and deaths, errors, audit records. */
public record PoolEvent(Instant time, Level level, Kind kind, String message) {

    public enum Level {
        DEBUG,
        INFO,
        WARN,
        ERROR
    }

    public enum Kind {
        SERVER,
        WORKER,
        HANDOFF,
        SESSION,
        COMMAND,
        QUEUE,
        /** A line of audit.log: logins, transfers, removals, account changes, bans ({@link AuditRecord}). */
        AUDIT
    }

    @Override
    public String toString() {
        return time + " " + level + " [" + kind.name().toLowerCase() + "] " + message;
    }
}
