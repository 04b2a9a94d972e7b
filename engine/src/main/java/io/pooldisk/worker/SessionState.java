package io.pooldisk.worker;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session carries from worker to worker: who is logged in, where they are, and any input bytes a worker read
 * but no command took yet. The master keeps the authoritative copy between commands.
 */
public record SessionState(String client, String user, String cwd, byte[] pending) {

    public static SessionState fresh(String client) {
        return new SessionState(client, "", "/", new byte[0]);
    }

    public static SessionState fromFields(Map<String, String> fields) {
        String pending = fields.getOrDefault("pending", "");
        return new SessionState(fields.getOrDefault("client", ""), fields.getOrDefault("user", ""),
                fields.getOrDefault("cwd", "/"), Base64.getDecoder().decode(pending));
    }

    public Map<String, String> toFields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("client", client);
        m.put("user", user);
        m.put("cwd", cwd);
        if (pending.length > 0) {
            m.put("pending", Base64.getEncoder().encodeToString(pending));
        }
        return m;
    }

    public SessionState withPending(byte[] bytes) {
        return new SessionState(client, user, cwd, bytes);
    }
}
