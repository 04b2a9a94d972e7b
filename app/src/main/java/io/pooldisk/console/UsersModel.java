package io.pooldisk.console;

import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.PasswordPolicy;
import io.pooldisk.client.ByteSizes;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.AuditRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The accounts of the data directory, through the engine's account API. Every call opens the store on a
 * background thread (the database is shared with the workers, so this works whether the server runs or not),
 * then lists the users again; the list and a one-line outcome change on the FX thread.
 */
final class UsersModel implements AutoCloseable {

    private final Supplier<Path> dataDir;
    private final Auditor auditor;
    private final ObservableList<Accounts.UserInfo> users = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper("");
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "accounts");
        thread.setDaemon(true);
        return thread;
    });

    /** Where account changes are audited: the running server's audit log, or the data directory's audit.log. */
    interface Auditor {
        void audit(Path dataDir, AuditRecord record) throws IOException;
    }

    UsersModel(Supplier<Path> dataDir, Auditor auditor) {
        this.dataDir = dataDir;
        this.auditor = auditor;
    }

    ObservableList<Accounts.UserInfo> users() {
        return users;
    }

    /** What the last call did, or why it failed. */
    ReadOnlyStringProperty outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    void refresh() {
        run(accounts -> "", false, null);
    }

    void add(String name, char[] password, long quotaBytes) {
        run(
                accounts -> {
                    PasswordPolicy.check(password);
                    accounts.add(name, password, quotaBytes);
                    return "added " + name;
                },
                true,
                AuditRecord.of(AuditRecord.USER_ADD).user(name).quotaBytes(quotaBytes));
    }

    void setPassword(String name, char[] password) {
        run(
                accounts -> {
                    PasswordPolicy.check(password);
                    accounts.setPassword(name, password);
                    return "changed the password of " + name;
                },
                true,
                AuditRecord.of(AuditRecord.USER_PASSWORD).user(name));
    }

    void setQuota(String name, long quotaBytes) {
        run(
                accounts -> {
                    accounts.setQuota(name, quotaBytes);
                    String set = "set the quota of " + name + " to " + describeQuota(quotaBytes);
                    long used = accounts.list().stream()
                            .filter(user -> user.name().equals(name))
                            .mapToLong(Accounts.UserInfo::usedBytes)
                            .sum();
                    return quotaBytes == 0 || used <= quotaBytes
                            ? set
                            : set + "; warning: " + name + " stores " + ByteSizes.human(used)
                                    + " already, so their uploads are refused until they remove "
                                    + ByteSizes.human(used - quotaBytes);
                },
                true,
                AuditRecord.of(AuditRecord.USER_QUOTA).user(name).quotaBytes(quotaBytes));
    }

    void delete(String name) {
        run(
                accounts -> {
                    accounts.delete(name);
                    return "removed " + name;
                },
                true,
                AuditRecord.of(AuditRecord.USER_DELETE).user(name));
    }

    /** Says what is wrong with what a person typed. */
    void complain(String problem) {
        outcome.set("failed: " + problem);
    }

    static String describeQuota(long quotaBytes) {
        return quotaBytes == 0 ? "unlimited" : ByteSizes.human(quotaBytes);
    }

    @Override
    public void close() {
        worker.shutdown();
    }

    /** {@code said}, after the change is written to the audit log; or what went wrong with that besides. */
    private String audited(Path dir, AuditRecord.Builder audit, String said) {
        try {
            auditor.audit(dir, audit.via("console").build());
            return said;
        } catch (IOException | RuntimeException e) {
            return said + "; warning: cannot write the audit log: " + e.getMessage();
        }
    }

    private interface Call {
        String on(Accounts accounts) throws DiskException;
    }

    /** {@code audit}: the audit log's record of the change, or null for none; its outcome is added here. */
    private void run(Call call, boolean report, AuditRecord.Builder audit) {
        Path dir = dataDir.get();
        worker.execute(() -> {
            String said;
            List<Accounts.UserInfo> listed = null;
            try (DiskStore store = DiskStore.open(dir)) {
                Accounts accounts = Accounts.of(store);
                String failure = null;
                try {
                    said = call.on(accounts);
                } catch (DiskException | RuntimeException e) {
                    failure = e.getMessage();
                    said = "failed: " + e;
                }
                if (audit != null) {
                    said = audited(dir, failure == null ? audit : audit.failure(failure), said);
                }
                if (failure == null) {
                    listed = accounts.list();
                }
            } catch (DiskException | RuntimeException | LinkageError e) {
                said = "failed: " + e;
            }
            String shown = report || said.startsWith("failed") ? said : outcome.get();
            List<Accounts.UserInfo> now = listed;
            Platform.runLater(() -> {
                if (now != null) {
                    users.setAll(now);
                }
                outcome.set(shown);
            });
        });
    }
}
