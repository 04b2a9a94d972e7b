package io.pooldisk.clientgui;

import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The servers this user connected to lately, newest first, kept with {@link Preferences}: host, port, user name and
 * whether over TLS, never a password.
 */
final class RecentServers {

    /** One remembered server; {@code tls}: connected to over TLS. */
    record Server(String host, int port, String user, boolean tls) {

        Server(String host, int port, String user) {
            this(host, port, user, false);
        }

        /** "ann@files.example:8080", or "files.example:8080" without a user; " (TLS)" after it over TLS. */
        String label() {
            return (user.isEmpty() ? "" : user + "@") + host + ":" + port + (tls ? " (TLS)" : "");
        }
    }

    static final int KEEP = 8;
    private static final String KEY = "recent.";

    private final Preferences node;

    RecentServers(Preferences node) {
        this.node = node;
    }

    /** The default place: the user's preferences under io/pooldisk/clientgui. */
    static RecentServers forUser() {
        return new RecentServers(Preferences.userNodeForPackage(RecentServers.class));
    }

    List<Server> list() {
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < KEEP; i++) {
            String line = node.get(KEY + i, null);
            if (line == null) {
                break;
            }
            String[] parts = line.split("\t", 4);
            try {
                servers.add(new Server(
                        parts[0],
                        Integer.parseInt(parts[1]),
                        parts.length > 2 ? parts[2] : "",
                        parts.length > 3 && parts[3].equals("tls")));
            } catch (RuntimeException unreadable) {
                // an entry from some other version: skip it
            }
        }
        return servers;
    }

    /** Puts {@code server} first, dropping an older copy of it and anything past {@link #KEEP}. */
    void remember(Server server) {
        List<Server> servers = list();
        servers.remove(server);
        servers.add(0, server);
        for (int i = 0; i < KEEP; i++) {
            if (i < servers.size()) {
                Server s = servers.get(i);
                node.put(KEY + i, s.host() + "\t" + s.port() + "\t" + s.user() + (s.tls() ? "\ttls" : ""));
            } else {
                node.remove(KEY + i);
            }
        }
        flush();
    }

    void clear() {
        for (int i = 0; i < KEEP; i++) {
            node.remove(KEY + i);
        }
        flush();
    }

    private void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // kept in memory for this run; nothing the user could do about it
        }
    }
}
