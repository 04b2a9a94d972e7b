package io.pooldisk.console;

import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.PasswordPolicy;
import io.pooldisk.client.ByteSizes;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
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
    private final ObservableList<Accounts.UserInfo> users = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper("");
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "accounts");
        thread.setDaemon(true);
        return thread;
    });

    UsersModel(Supplier<Path> dataDir) {
        this.dataDir = dataDir;
    }

    ObservableList<Accounts.UserInfo> users() {
        return users;
    }

    /** What the last call did, or why it failed. */
    ReadOnlyStringProperty outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    void refresh() {
        run(accounts -> "", false);
    }

    void add(String name, char[] password, long quotaBytes) {
        run(
                accounts -> {
                    PasswordPolicy.check(password);
                    accounts.add(name, password, quotaBytes);
                    return "added " + name;
                },
                true);
    }

    void setPassword(String name, char[] password) {
        run(
                accounts -> {
                    PasswordPolicy.check(password);
                    accounts.setPassword(name, password);
                    return "changed the password of " + name;
                },
                true);
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
                true);
    }

    void delete(String name) {
        run(
                accounts -> {
                    accounts.delete(name);
                    return "removed " + name;
                },
                true);
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

    private interface Call {
        String on(Accounts accounts) throws DiskException;
    }

    private void run(Call call, boolean report) {
        Path dir = dataDir.get();
        worker.execute(() -> {
            String said;
            List<Accounts.UserInfo> listed = null;
            try (DiskStore store = DiskStore.open(dir)) {
                Accounts accounts = Accounts.of(store);
                said = call.on(accounts);
                listed = accounts.list();
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
