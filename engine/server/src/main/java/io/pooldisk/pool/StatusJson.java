package io.pooldisk.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a snapshot, as {@code status --json} prints it, and of the lines the control socket's {@code WATCH}
 * streams (a snapshot or an event, each with a {@code "type"}); and their reading back, for the console attached to
 * a server. Field names are spelled out here, so renaming a Java field never changes what scripts read.
 */
public final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {}

    public static String write(PoolSnapshot s) {
        return node(JSON.createObjectNode(), s).toString();
    }

    /** A line of {@code WATCH}: {@code {"type":"snapshot", ...}} with the fields of {@link #write}. */
    public static String watchSnapshot(PoolSnapshot s) {
        return node(JSON.createObjectNode().put("type", "snapshot"), s).toString();
    }

    /** A line of {@code WATCH}: {@code {"type":"event","time":...,"level":"INFO","kind":"SESSION","message":...}}. */
    public static String watchEvent(PoolEvent e) {
        return JSON.createObjectNode()
                .put("type", "event")
                .put("time", e.time().toString())
                .put("level", e.level().name())
                .put("kind", e.kind().name())
                .put("message", e.message())
                .toString();
    }

    /** Parses a line of JSON (IllegalArgumentException when it is none). */
    public static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** An event as {@link #watchEvent} wrote it. */
    public static PoolEvent readEvent(JsonNode n) {
        return new PoolEvent(
                Instant.parse(n.get("time").asText()),
                PoolEvent.Level.valueOf(n.get("level").asText()),
                PoolEvent.Kind.valueOf(n.get("kind").asText()),
                n.get("message").asText());
    }

    /** A snapshot as {@link #write} wrote it; the counts derived from the workers are derived again. */
    public static PoolSnapshot readSnapshot(JsonNode s) {
        List<WorkerInfo> workers = new ArrayList<>();
        for (JsonNode w : s.get("workers")) {
            workers.add(new WorkerInfo(
                    w.get("slot").asInt(),
                    w.get("pid").asInt(),
                    WorkerState.valueOf(w.get("state").asText().toUpperCase(Locale.ROOT)),
                    w.get("command").asText(),
                    w.get("client").asText(),
                    w.get("user").asText(),
                    w.get("session").asLong(),
                    w.get("bytes").asLong(),
                    w.get("requests").asLong(),
                    Instant.parse(w.get("startedAt").asText()),
                    w.get("rssBytes").asLong()));
        }
        List<SessionInfo> sessions = new ArrayList<>();
        for (JsonNode x : s.get("sessions")) {
            sessions.add(new SessionInfo(
                    x.get("id").asLong(),
                    x.get("client").asText(),
                    x.get("user").asText(),
                    x.get("workerPid").asInt(),
                    Instant.parse(x.get("since").asText()),
                    x.get("bytesIn").asLong(),
                    x.get("bytesOut").asLong()));
        }
        return new PoolSnapshot(
                Instant.parse(s.get("startedAt").asText()),
                s.get("listen").asText(),
                s.get("accepted").asLong(),
                s.get("queued").asInt(),
                s.get("maxQueued").asInt(),
                s.get("maxBusy").asInt(),
                s.get("allBusyCount").asLong(),
                s.get("requestsServed").asLong(),
                s.get("rejected").asLong(),
                s.get("slowCommands").asLong(),
                s.get("bytesIn").asLong(),
                s.get("bytesOut").asLong(),
                List.copyOf(workers),
                List.copyOf(sessions));
    }

    private static ObjectNode node(ObjectNode root, PoolSnapshot s) {
        root.put("startedAt", s.startedAt().toString());
        root.put("listen", s.listenAddress());
        root.put("accepted", s.accepted());
        root.put("queued", s.queuedNow());
        root.put("maxQueued", s.maxQueued());
        root.put("rejected", s.rejected());
        root.put("idle", s.idle());
        root.put("busy", s.busy());
        root.put("lingering", s.lingering());
        root.put("starting", s.starting());
        root.put("total", s.total());
        root.put("maxBusy", s.maxBusy());
        root.put("allBusyCount", s.allBusyCount());
        root.put("requestsServed", s.requestsServed());
        root.put("slowCommands", s.slowCommands());
        root.put("bytesIn", s.bytesIn());
        root.put("bytesOut", s.bytesOut());
        ArrayNode workers = root.putArray("workers");
        for (WorkerInfo w : s.workers()) {
            ObjectNode n = workers.addObject();
            n.put("slot", w.slot());
            n.put("pid", w.pid());
            n.put("state", w.state().name().toLowerCase(Locale.ROOT)); // a Turkish default locale writes "lıngerıng"
            n.put("command", w.command());
            n.put("client", w.client());
            n.put("user", w.user());
            n.put("session", w.sessionId());
            n.put("bytes", w.bytes());
            n.put("requests", w.requests());
            n.put("startedAt", w.startedAt().toString());
            n.put("rssBytes", w.rssBytes());
        }
        ArrayNode sessions = root.putArray("sessions");
        for (SessionInfo x : s.sessions()) {
            ObjectNode n = sessions.addObject();
            n.put("id", x.id());
            n.put("client", x.client());
            n.put("user", x.user());
            n.put("workerPid", x.workerPid());
            n.put("since", x.since().toString());
            n.put("bytesIn", x.bytesIn());
            n.put("bytesOut", x.bytesOut());
        }
        return root;
    }
}
