package io.pooldisk.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * Adds many files to a user's directory at once, straight into {@code pooldisk.db} in one transaction: a hundred
 * thousand take a second or two, where the protocol would take minutes. The directory must exist; the files point at
 * a content that is never stored, so they can be listed and stat'ed, not downloaded.
 */
public final class BulkEntries {

    /** The SHA-256 the files claim (of the empty string). */
    public static final String SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private BulkEntries() {}

    /**
     * Adds a file of {@code size} bytes for each of {@code names} (NFC, valid names) to {@code dir} of {@code owner}.
     */
    public static void addFiles(Path dataDir, String owner, String dir, List<String> names, long size)
            throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("pooldisk.db"))) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO entries (owner, path, parent, name, is_dir, "
                    + "size, modified, sha256) VALUES (?, ?, ?, ?, 0, ?, ?, ?)")) {
                long now = System.currentTimeMillis();
                for (String name : names) {
                    ps.setString(1, owner);
                    ps.setString(2, (dir.equals("/") ? "" : dir) + "/" + name);
                    ps.setString(3, dir);
                    ps.setString(4, name);
                    ps.setLong(5, size);
                    ps.setLong(6, now);
                    ps.setString(7, SHA256);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }
}
