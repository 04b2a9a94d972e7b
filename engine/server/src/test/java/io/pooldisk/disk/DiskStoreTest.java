package io.pooldisk.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.auth.Accounts;
import io.pooldisk.unix.ProcessControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStoreTest {

    @TempDir
    Path tmp;

    @Test
    void manyWorkersOpenAFreshDataDirectoryAtOnce() throws Exception {
        Path data = tmp.resolve("data");
        int workers = 8;
        CyclicBarrier together = new CyclicBarrier(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Integer>> opened = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                int n = i;
                opened.add(pool.submit(() -> {
                    together.await(1, TimeUnit.MINUTES);
                    try (DiskStore store = DiskStore.open(data)) {
                        Accounts.of(store).add("user" + n, "pw".toCharArray(), 0);
                        return Accounts.of(store).list().size();
                    }
                }));
            }
            for (Future<Integer> f : opened) {
                assertThat(f.get(2, TimeUnit.MINUTES)).isBetween(1, workers);
            }
        } finally {
            pool.shutdownNow();
        }
        try (DiskStore store = DiskStore.open(data)) {
            assertThat(Accounts.of(store).list()).hasSize(workers);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("pooldisk.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void theDatabaseAndTheFilesSqliteMakesBesideItAreOwnerOnlyWhateverTheUmask() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        int before = ProcessControl.umask(0);
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add("ann", "pw".toCharArray(), 0); // a write: SQLite makes -wal and -shm
            for (String name :
                    new String[] {"", "pooldisk.db", "pooldisk.db-wal", "pooldisk.db-shm", "blobs", "parts"}) {
                Path p = data.resolve(name);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                        .as(name)
                        .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        } finally {
            ProcessControl.umask(before);
        }
    }

    @Test
    void refusesADataDirectoryFromANewerVersion() throws Exception {
        Path data = tmp.resolve("data");
        DiskStore.open(data).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("pooldisk.db"));
                Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> DiskStore.open(data))
                .isInstanceOf(DiskException.class)
                .hasMessageContaining("made by a newer PoolDisk");
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsAStorageFailure() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> DiskStore.open(file.resolve("data")))
                .isInstanceOf(DiskException.class)
                .satisfies(e -> assertThat(((DiskException) e).code()).isEqualTo(500))
                .hasMessageContaining("cannot use data directory");
    }
}
