package io.pooldisk.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The JSON form of a snapshot, as {@code status --json} prints it. Field names are spelled out here, so renaming a
 * Java field never changes what scripts read.
 */
public final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {}

    public static String write(PoolSnapshot s) {
        ObjectNode root = JSON.createObjectNode();
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
        return root.toString();
    }
}
