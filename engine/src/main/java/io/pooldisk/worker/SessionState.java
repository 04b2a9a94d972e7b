package io.pooldisk.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session carries from worker to worker: who is logged in, where they are, any input bytes a worker read but
 * no command took yet, and the state of exchanges that span two commands (a login, a proof of possession). The
 * master keeps the authoritative copy between hand-offs.
 *
 * @param client     the client's address, "host:port"
 * @param user       the logged-in user, or ""
 * @param cwd        the working directory
 * @param pending    input bytes not yet taken by a command
 * @param exchanges  state of unfinished two-step exchanges, by name
 */
public record SessionState(String client, String user, String cwd, byte[] pending, Map<String, String> exchanges) {

    public SessionState {
        exchanges = Map.copyOf(exchanges);
    }

    public static SessionState fresh(String client) {
        return new SessionState(client, "", "/", new byte[0], Map.of());
    }

    public SessionState withPending(byte[] bytes) {
        return new SessionState(client, user, cwd, bytes, exchanges);
    }

    public SessionState withUser(String newUser) {
        return new SessionState(client, newUser, "/", pending, Map.of());
    }

    public SessionState withCwd(String newCwd) {
        return new SessionState(client, user, newCwd, pending, exchanges);
    }

    /** With exchange {@code name} set to {@code value}, or removed when {@code value} is null. */
    public SessionState withExchange(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(exchanges);
        if (value == null) {
            m.remove(name);
        } else {
            m.put(name, value);
        }
        return new SessionState(client, user, cwd, pending, m);
    }

    /** "1.2.3.4:5678" -> "1.2.3.4", "[::1]:5678" -> "::1". */
    public static String hostOf(String client) {
        int colon = client.lastIndexOf(':');
        String host = colon < 0 ? client : client.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    public String exchange(String name) {
        return exchanges.get(name);
    }
}
