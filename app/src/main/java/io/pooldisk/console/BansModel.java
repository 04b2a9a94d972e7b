package io.pooldisk.console;

import io.pooldisk.auth.AddressRange;
import io.pooldisk.auth.Ban;
import io.pooldisk.auth.BanList;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.AuditLog;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The ban list, manual and automatic: through the running server (which applies a change at once), or, while none
 * runs, on the list stored in the data directory (which the server reads when it starts). Calls run on a background
 * thread, then the list is read again; the list and a one-line outcome change on the FX thread.
 */
final class BansModel implements AutoCloseable {

    /** How the Bans list and its outcomes show a time: a ban may end days from now. */
    static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    /** The addresses the console's own Client tab connects from. */
    static final List<String> CONSOLE_CLIENT = List.of("127.0.0.1", "::1");

    private final Supplier<Optional<ServerHandle>> server;
    private final Supplier<Path> dataDir;
    private final ObservableList<Ban> bans = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper("");
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "bans");
        thread.setDaemon(true);
        return thread;
    });

    BansModel(Supplier<Optional<ServerHandle>> server, Supplier<Path> dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    ObservableList<Ban> bans() {
        return bans;
    }

    /** What the last change did, or why it failed. */
    ReadOnlyStringProperty outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** Whether a ban on {@code range} would refuse the console's own client (it connects over loopback). */
    static boolean coversConsoleClient(AddressRange range) {
        return CONSOLE_CLIENT.stream().anyMatch(range::contains);
    }

    void refresh() {
        run(() -> "", false);
    }

    /** Bans {@code target} (an address or network) for {@code length}; null: for good. */
    void ban(String target, Duration length, String reason) {
        run(
                () -> {
                    if (onServer()) {
                        return server.get().orElseThrow().ban(target, length, reason);
                    }
                    Ban ban = stored(list -> list.add(AddressRange.parse(target), length, reason));
                    AuditLog.append(
                            dataDir.get(),
                            AuditRecord.of(AuditRecord.BAN)
                                    .address(ban.range().toString())
                                    .durationMs(length == null ? 0 : length.toMillis())
                                    .detail(ban.reason())
                                    .via("console")
                                    .build());
                    return "banned " + ban.range()
                            + (ban.permanent() ? " permanently" : " until " + WHEN.format(ban.until()))
                            + " (applies when the server starts)";
                },
                true);
    }

    /** Lifts {@code ban}; an automatic one forgets the address's failed logins as well. */
    void unban(Ban ban) {
        run(
                () -> {
                    String target = ban.range().toString();
                    if (onServer()) {
                        server.get().orElseThrow().unban(target);
                    } else if (stored(list -> list.remove(ban.range()))) {
                        AuditLog.append(
                                dataDir.get(),
                                AuditRecord.of(AuditRecord.UNBAN)
                                        .address(target)
                                        .via("console")
                                        .build());
                    } else {
                        throw new DiskException(ReplyCode.NOT_FOUND, "no ban on " + target);
                    }
                    return "lifted the ban on " + target;
                },
                true);
    }

    @Override
    public void close() {
        worker.shutdown();
    }

    private boolean onServer() {
        return server.get().isPresent();
    }

    private List<Ban> list() throws DiskException, IOException {
        Optional<ServerHandle> running = server.get();
        if (running.isPresent()) {
            return running.get().bans();
        }
        if (DataDirs.whyNotADataDir(dataDir.get()) != null) {
            return List.of(); // no data directory yet: no list either
        }
        return stored(BanList::list);
    }

    private interface StoredWork<T> {
        T on(BanList list) throws DiskException;
    }

    private <T> T stored(StoredWork<T> work) throws DiskException {
        Path dir = dataDir.get();
        String missing = DataDirs.whyNotADataDir(dir);
        if (missing != null) {
            throw new DiskException(ReplyCode.NOT_FOUND, missing);
        }
        try (DiskStore store = DiskStore.open(dir)) {
            return work.on(BanList.of(store));
        }
    }

    private interface Call {
        String run() throws DiskException, IOException;
    }

    private void run(Call call, boolean report) {
        worker.execute(() -> {
            String said;
            List<Ban> listed = null;
            try {
                said = call.run();
            } catch (DiskException | IOException | RuntimeException e) {
                said = "failed: " + e.getMessage();
            }
            try {
                listed = list();
            } catch (DiskException | IOException | RuntimeException e) {
                said = "failed: " + e.getMessage();
            }
            String shown = report || said.startsWith("failed") ? said : null;
            List<Ban> now = listed;
            Platform.runLater(() -> {
                if (now != null) {
                    bans.setAll(now);
                }
                if (shown != null) {
                    outcome.set(shown);
                }
            });
        });
    }
}
