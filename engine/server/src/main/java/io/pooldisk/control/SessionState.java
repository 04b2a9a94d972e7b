package io.pooldisk.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session carries from worker to worker: who is logged in, where they are, any input bytes a worker read but
 * no command took yet (a partial line, or commands sent ahead), the state of exchanges that span two commands (a
 * login, a proof of possession), replies the client's socket had no room for, and a transfer it was in the middle
 * of. The master keeps the authoritative copy between hand-offs. The next worker sends {@code unsent} first, then
 * goes on with {@code transfer}, then runs the commands in {@code pending}.
 *
 * <p>Every part has a bound, so that a state always fits one master-worker message
 * ({@link io.pooldisk.unix.MessageSocket#MAX_MESSAGE}) with its envelope: a client cannot make a session that cannot
 * be handed over. The method that sets a part checks it ({@link LimitExceeded}), except the client's address and the
 * input read ahead, which the buffers that produce them bound. The canonical constructor (decoding) checks nothing:
 * what it reads fitted a message.
 *
 * @param client     the client's address, "host:port"
 * @param user       the logged-in user, or ""
 * @param cwd        the working directory
 * @param pending    input bytes not yet taken by a command
 * @param exchanges  state of unfinished two-step exchanges, by name
 * @param unsent     reply bytes owed to the client
 * @param transfer   the transfer to go on with before the next command, or null
 */
public record SessionState(
        String client,
        String user,
        String cwd,
        byte[] pending,
        Map<String, String> exchanges,
        byte[] unsent,
        Transfer transfer) {

    /** The client's address as the master formats it: "[" IPv6 "]:" port at most. Nothing a client sends grows it. */
    static final int MAX_CLIENT_BYTES = 64;
    /** A user name (UserNames: 1-64 ASCII characters). */
    static final int MAX_USER_BYTES = 64;
    /** A path (DiskPaths.MAX_PATH_BYTES). */
    static final int MAX_CWD_BYTES = 4096;
    /**
     * The worker's input buffer; the master holds at most one request line and its line end. Bounded by the buffers
     * that hold it, and not checked in {@link #withPending}: the master calls that on its event loop.
     */
    static final int MAX_PENDING_BYTES = 16 * 1024;
    /** Names and values of the exchanges together: a SCRAM login (about 4 KiB at most) and a proof of possession. */
    static final int MAX_EXCHANGES_BYTES = 16 * 1024;
    /** Replies owed; a worker with more puts them in a file that travels with the session (SessionRunner). */
    public static final int MAX_UNSENT_BYTES = 16 * 1024;
    /** A transfer: its label and path (a path each, at most) and a SHA-256 with its saved state. */
    static final int MAX_TRANSFER_BYTES = 10 * 1024;

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
        check("the user name", utf8Length(newUser), MAX_USER_BYTES);
        return new SessionState(client, newUser, "/", pending, Map.of(), unsent, transfer);
    }

    public SessionState withCwd(String newCwd) {
        check("the working directory", utf8Length(newCwd), MAX_CWD_BYTES);
        return new SessionState(client, user, newCwd, pending, exchanges, unsent, transfer);
    }

    /** With what is left to do: replies owed, and the transfer under way (or null). */
    public SessionState withOwed(byte[] replies, Transfer t) {
        check("the replies owed", replies.length, MAX_UNSENT_BYTES);
        check("the transfer", transferLength(t), MAX_TRANSFER_BYTES);
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
        int length = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            length += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        check("the exchanges in progress", length, MAX_EXCHANGES_BYTES);
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

    /**
     * A part of the state would pass its bound. Raised by the method that sets it, before anything changed: the
     * command that tried is refused (ERR 400) and the session goes on as it was.
     */
    public static final class LimitExceeded extends RuntimeException {
        LimitExceeded(String what, int bytes, int max) {
            super(what + " would take " + bytes + " bytes; a session holds at most " + max);
        }
    }

    private static void check(String what, int bytes, int max) {
        if (bytes > max) {
            throw new LimitExceeded(what, bytes, max);
        }
    }

    /** Bytes a transfer takes in a message, give or take its fixed-size fields. */
    static int transferLength(Transfer t) {
        if (t instanceof Transfer.Receiving r) {
            return utf8Length(r.label()) + utf8Length(r.path()) + utf8Length(r.sha256()) + r.hashState().length;
        }
        return t == null ? 0 : utf8Length(t.label());
    }

    static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair: 4 bytes for 2 chars
            }
        }
        return n;
    }
}
