package io.pooldisk.clientgui;

import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The servers this user connected to lately, newest first, kept with {@link Preferences}: host, port and user name,
 * never a password.
 */
final class RecentServers {

    /** One remembered server. */
    record Server(String host, int port, String user) {

        /** "ann@files.example:8080", or "files.example:8080" without a user. */
        String label() {
            return (user.isEmpty() ? "" : user + "@") + host + ":" + port;
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
            String[] parts = line.split("\t", 3);
            try {
                servers.add(new Server(parts[0], Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : ""));
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
                node.put(KEY + i, s.host() + "\t" + s.port() + "\t" + s.user());
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
