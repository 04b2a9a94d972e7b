package io.pooldisk.pool;

import io.pooldisk.unix.FileDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The open sessions, by id (in the order they were opened) and by client descriptor. Touched only by the master. */
final class SessionTable {

    private final Map<Long, Session> byId = new LinkedHashMap<>();
    private final Map<Integer, Session> byFd = new HashMap<>();
    private long nextId = 1;

    /** A new session for the client connection {@code fd}. */
    Session open(FileDescriptor fd, String client, long now) {
        Session session = new Session(nextId++, fd, client, now);
        byId.put(session.id, session);
        byFd.put(session.fd, session);
        return session;
    }

    void remove(Session session) {
        byFd.remove(session.fd);
        byId.remove(session.id);
    }

    Session byFd(int fd) {
        return byFd.get(fd);
    }

    Session byId(long id) {
        return byId.get(id);
    }

    int size() {
        return byId.size();
    }

    /** The open sessions, oldest first. */
    Collection<Session> all() {
        return byId.values();
    }

    /** A copy of {@link #all}, for loops that close sessions as they go. */
    List<Session> snapshot() {
        return new ArrayList<>(byId.values());
    }
}
