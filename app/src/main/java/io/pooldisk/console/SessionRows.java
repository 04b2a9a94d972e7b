package io.pooldisk.console;

import io.pooldisk.pool.SessionInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The open sessions as rows: new sessions are added, gone ones removed, the rest updated in place. */
final class SessionRows {

    private final ObservableList<SessionRow> rows = FXCollections.observableArrayList();
    private final Map<Long, SessionRow> byId = new HashMap<>();

    ObservableList<SessionRow> rows() {
        return rows;
    }

    void update(List<SessionInfo> sessions) {
        Set<Long> open = sessions.stream().map(SessionInfo::id).collect(Collectors.toSet());
        rows.removeIf(row -> !open.contains(row.id()));
        byId.keySet().retainAll(open);
        for (SessionInfo session : sessions) {
            SessionRow row = byId.get(session.id());
            if (row == null) {
                row = new SessionRow(session);
                byId.put(session.id(), row);
                rows.add(row);
            } else {
                row.update(session);
            }
        }
    }

    void sample(Instant now) {
        rows.forEach(row -> row.sample(now));
    }
}
