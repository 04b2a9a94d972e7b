package io.pooldisk.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of {@code audit.log}: who did what, from where, and how it ended. Fields that do not apply are null and
 * left out of the line. docs/OPERATIONS.md ("Audit log") lists the events and their fields. Build one with
 * {@link #of(String)}, e.g. {@code AuditRecord.of(AuditRecord.BAN).address(host).durationMs(ms).via("administrator")
 * .build()}, and hand it to {@link PoolServer#audit(AuditRecord)} (or {@link AuditLog#append} from another process).
 *
 * @param time       when it finished
 * @param event      what happened: {@link #LOGIN}, {@link #UPLOAD}, {@link #DOWNLOAD}, {@link #REMOVE}, {@link #BAN},
 *                   {@link #UNBAN}, or a {@code user.*} change
 * @param result     {@link #SUCCESS} or {@link #FAILURE}
 * @param reason     why it failed, or why it was done (a ban's cause); else null
 * @param user       the user who logged in or acted, or whose account changed
 * @param address    the client's address ("host:port", as sessions show it), or the host banned
 * @param path       the file's path in the user's namespace
 * @param bytes      bytes transferred, or the size of what was removed
 * @param sha256     the content's SHA-256, where known
 * @param durationMs how long a transfer or removal took; how long a ban lasts
 * @param quotaBytes a user's quota after the change (0: unlimited)
 * @param via        who made an administrative change: "cli", "console", "administrator", "login throttle"
 * @param detail     anything else worth a word ("instant upload", "from offset 1024")
 */
public record AuditRecord(
        Instant time,
        String event,
        String result,
        String reason,
        String user,
        String address,
        String path,
        Long bytes,
        String sha256,
        Long durationMs,
        Long quotaBytes,
        String via,
        String detail) {

    public static final String LOGIN = "login";
    public static final String UPLOAD = "upload";
    public static final String DOWNLOAD = "download";
    public static final String REMOVE = "remove";
    public static final String BAN = "ban";
    public static final String UNBAN = "unban";
    public static final String USER_ADD = "user.add";
    public static final String USER_DELETE = "user.delete";
    public static final String USER_PASSWORD = "user.password";
    public static final String USER_QUOTA = "user.quota";
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";

    private static final ObjectMapper JSON = new ObjectMapper();

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(result, "result");
    }

    /** A record of {@code event} now, successful unless {@link Builder#failure} says otherwise. */
    public static Builder of(String event) {
        return new Builder(event);
    }

    /** The line as audit.log has it: one JSON object, without the line feed. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", time.toString());
        o.put("event", event);
        o.put("result", result);
        putIfAny(o, "reason", reason);
        putIfAny(o, "user", user);
        putIfAny(o, "address", address);
        putIfAny(o, "path", path);
        if (bytes != null) {
            o.put("bytes", bytes);
        }
        putIfAny(o, "sha256", sha256);
        if (durationMs != null) {
            o.put("durationMs", durationMs);
        }
        if (quotaBytes != null) {
            o.put("quotaBytes", quotaBytes);
        }
        putIfAny(o, "via", via);
        putIfAny(o, "detail", detail);
        return o.toString(); // Jackson escapes line breaks: one record, one line
    }

    /** The line the console's Log tab shows: "login alice from 127.0.0.1:5000: failure (authentication failed)". */
    public String summary() {
        StringBuilder b = new StringBuilder(event);
        append(b, " ", user);
        append(b, " ", path);
        append(b, " from ", address);
        if (bytes != null) {
            b.append(", ").append(bytes).append(" bytes");
        }
        if (durationMs != null) {
            b.append(", ").append(durationMs).append(" ms");
        }
        if (quotaBytes != null) {
            b.append(", quota ").append(quotaBytes).append(" bytes");
        }
        append(b, " via ", via);
        append(b, ", ", detail);
        b.append(": ").append(result);
        if (reason != null) {
            b.append(" (").append(reason).append(')');
        }
        return b.toString();
    }

    private static void putIfAny(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    private static void append(StringBuilder b, String before, String value) {
        if (value != null) {
            b.append(before).append(value);
        }
    }

    /** Builds an {@link AuditRecord}; empty strings count as absent. */
    public static final class Builder {
        private Instant time = Instant.now();
        private final String event;
        private String result = SUCCESS;
        private String reason;
        private String user;
        private String address;
        private String path;
        private Long bytes;
        private String sha256;
        private Long durationMs;
        private Long quotaBytes;
        private String via;
        private String detail;

        private Builder(String event) {
            this.event = event;
        }

        public Builder time(Instant v) {
            time = v;
            return this;
        }

        /** The event failed, for {@code why}. */
        public Builder failure(String why) {
            result = FAILURE;
            reason = blankToNull(why);
            return this;
        }

        /** Why it was done (a ban's cause), when it succeeded. */
        public Builder reason(String v) {
            reason = blankToNull(v);
            return this;
        }

        public Builder user(String v) {
            user = blankToNull(v);
            return this;
        }

        public Builder address(String v) {
            address = blankToNull(v);
            return this;
        }

        public Builder path(String v) {
            path = blankToNull(v);
            return this;
        }

        public Builder bytes(long v) {
            bytes = v;
            return this;
        }

        public Builder sha256(String v) {
            sha256 = blankToNull(v);
            return this;
        }

        public Builder durationMs(long v) {
            durationMs = v;
            return this;
        }

        public Builder quotaBytes(long v) {
            quotaBytes = v;
            return this;
        }

        public Builder via(String v) {
            via = blankToNull(v);
            return this;
        }

        public Builder detail(String v) {
            detail = blankToNull(v);
            return this;
        }

        public AuditRecord build() {
            return new AuditRecord(
                    time,
                    event,
                    result,
                    reason,
                    user,
                    address,
                    path,
                    bytes,
                    sha256,
                    durationMs,
                    quotaBytes,
                    via,
                    detail);
        }

        private static String blankToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }
    }
}
