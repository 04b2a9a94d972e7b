package io.pooldisk.disk;

import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The metadata database, {@code pooldisk.db}, shared by every worker process: SQLite in WAL mode, so readers never
 * wait for the writer, and a busy timeout, so writers queue for each other instead of failing. Writes run in
 * {@code BEGIN IMMEDIATE} transactions: they take the write lock up front, so two processes never deadlock upgrading
 * a read to a write. One connection per {@link DiskStore}: its threads take turns on it.
 */
public final class Database implements AutoCloseable {

    private static final int BUSY_TIMEOUT_MILLIS = 15_000;

    private final Connection connection;

    private Database(Connection connection) {
        this.connection = connection;
    }

    static Database open(Path file) throws DiskException {
        try {
            // SQLite would create the file 0644 (less the umask); it creates -wal and -shm with the mode of the
            // database file, so made 0600 first, the three are owner-only
            OwnerOnly.file(file);
            OwnerOnly.ifExists(Path.of(file + "-wal"));
            OwnerOnly.ifExists(Path.of(file + "-shm"));
        } catch (IOException e) {
            throw new DiskException(ReplyCode.SERVER_ERROR, "cannot create " + file + ": " + e.getMessage(), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL); // durable enough in WAL, never corrupt
        Database db;
        try {
            db = new Database(config.createConnection("jdbc:sqlite:" + file));
        } catch (SQLException e) {
            throw failure(e);
        }
        try {
            db.enableWal();
            Schema.migrate(db);
            return db;
        } catch (SQLException e) {
            db.close();
            throw failure(e);
        } catch (DiskException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Switches a fresh database to WAL. Connections that switch at the same moment (workers opening a new data
     * directory together) can get SQLITE_BUSY at once: SQLite does not wait on a lock it could deadlock on. It is
     * tried again until the busy time-out, as a busy handler would.
     */
    private void enableWal() throws SQLException {
        long deadline = System.nanoTime() + BUSY_TIMEOUT_MILLIS * 1_000_000L;
        for (long pause = 1; ; pause = Math.min(pause * 2, 50)) {
            try {
                execute("PRAGMA journal_mode=WAL");
                return;
            } catch (SQLException e) {
                boolean busy = e instanceof org.sqlite.SQLiteException se
                        && (se.getResultCode().code & 0xff) == org.sqlite.SQLiteErrorCode.SQLITE_BUSY.code;
                if (!busy || System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the database", e);
            }
        }
    }

    /** Work on the database: statements through {@link Tx}, always parameterised. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException, DiskException;
    }

    /** Reads: each statement sees the latest committed state. */
    public synchronized <T> T read(Work<T> work) throws DiskException {
        try {
            return work.run(new Tx(connection));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Reads in one transaction: every statement of the work sees the same committed state (a count and the rows it
     * counted agree), whatever other processes commit meanwhile. Holds no lock that keeps writers waiting (WAL).
     */
    public synchronized <T> T snapshot(Work<T> work) throws DiskException {
        try {
            execute("BEGIN");
        } catch (SQLException e) {
            throw failure(e);
        }
        try {
            return work.run(new Tx(connection));
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            rollback(); // nothing was written: ending the read either way releases its snapshot
        }
    }

    /** A write transaction: all of the work or none of it. */
    public synchronized <T> T write(Work<T> work) throws DiskException {
        try {
            execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw failure(e);
        }
        boolean committed = false;
        try {
            T result = work.run(new Tx(connection));
            execute("COMMIT");
            committed = true;
            return result;
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            if (!committed) {
                rollback();
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollback() {
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite already rolled back (an I/O error ends the transaction itself)
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing: nothing left to save
        }
    }

    static DiskException failure(SQLException e) {
        if (e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_FULL) {
            return new DiskException(ReplyCode.INSUFFICIENT_STORAGE, "disk full", e);
        }
        return new DiskException(ReplyCode.SERVER_ERROR, "storage failure: " + e.getMessage(), e);
    }

    /** Maps one row of a result. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Takes one row of a result. */
    @FunctionalInterface
    public interface RowAction {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Parameterised statements on the open connection. */
    public static final class Tx {

        private final Connection connection;

        private Tx(Connection connection) {
            this.connection = connection;
        }

        public int update(String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args)) {
                return ps.executeUpdate();
            }
        }

        /** An INSERT's new rowid. */
        public long insert(String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args)) {
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        }

        public <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
            }
        }

        /**
         * Hands the rows of a query to {@code action} one at a time, as SQLite steps to them: none is kept, so a
         * result of any size takes the same memory.
         */
        public void forEach(String sql, RowAction action, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    action.accept(rs);
                }
            }
        }

        public <T> List<T> list(String sql, Row<T> row, Object... args) throws SQLException {
            try (PreparedStatement ps = prepare(sql, args);
                    ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row.map(rs));
                }
                return rows;
            }
        }

        private PreparedStatement prepare(String sql, Object... args) throws SQLException {
            PreparedStatement ps = connection.prepareStatement(sql);
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        }
    }
}
