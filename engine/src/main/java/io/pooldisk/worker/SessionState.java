package io.pooldisk.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session carries from worker to worker: who is logged in, where they are, any input bytes a worker read but
 * no command took yet (a partial line, or commands sent ahead), the state of exchanges that span two commands (a
 * login, a proof of possession), replies the client's socket had no room for, and a transfer it was in the middle
 * of. The master keeps the authoritative copy between hand-offs. The next worker sends {@code unsent} first, then
 * goes on with {@code transfer}, then runs the commands in {@code pending}.
 *
 * @param client     the client's address, "host:port"
 * @param user       the logged-in user, or ""
 * @param cwd        the working directory
 * @param pending    input bytes not yet taken by a command
 * @param exchanges  state of unfinished two-step exchanges, by name
 * @param unsent     reply bytes owed to the client
 * @param transfer   the transfer to go on with before the next command, or null
 */
public record SessionState(String client, String user, String cwd, byte[] pending, Map<String, String> exchanges,
                           byte[] unsent, Transfer transfer) {

    public SessionState {
        exchanges = Map.copyOf(exchanges);
    }

    public SessionState(String client, String user, String cwd, byte[] pending, Map<String, String> exchanges) {
        this(client, user, cwd, pending, exchanges, new byte[0], null);
    }

    public static SessionState fresh(String client) {
        return new SessionState(client, "", "/", new byte[0], Map.of());
    }

    public SessionState withPending(byte[] bytes) {
        return new SessionState(client, user, cwd, bytes, exchanges, unsent, transfer);
    }

    public SessionState withUser(String newUser) {
        return new SessionState(client, newUser, "/", pending, Map.of(), unsent, transfer);
    }

    public SessionState withCwd(String newCwd) {
        return new SessionState(client, user, newCwd, pending, exchanges, unsent, transfer);
    }

    /** With what is left to do: replies owed, and the transfer under way (or null). */
    public SessionState withOwed(byte[] replies, Transfer t) {
        return new SessionState(client, user, cwd, pending, exchanges, replies, t);
    }

    /** Whether the session waits for room in the client's socket (rather than for the client's bytes). */
    public boolean waitsToSend() {
        return unsent.length > 0 || transfer != null && transfer.waitsToSend();
    }

    /** Whether the pending input holds a whole request line (a command ready to run). */
    public boolean hasWholeLine() {
        for (byte b : pending) {
            if (b == '\n') {
                return true;
            }
        }
        return false;
    }

    /** With exchange {@code name} set to {@code value}, or removed when {@code value} is null. */
    public SessionState withExchange(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(exchanges);
        if (value == null) {
            m.remove(name);
        } else {
            m.put(name, value);
        }
        return new SessionState(client, user, cwd, pending, m, unsent, transfer);
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
