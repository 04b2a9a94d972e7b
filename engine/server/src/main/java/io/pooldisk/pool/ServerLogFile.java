package io.pooldisk.pool;

import io.pooldisk.disk.OwnerOnly;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends the server's log (INFO and above) to {@code server.log} in the data directory, owner-only. */
final class ServerLogFile implements PoolListener {

    private final Path file;
    private Writer writer;
    private boolean failed;

    ServerLogFile(Path file) {
        this.file = file;
    }

    @Override
    public boolean wantsSnapshots() {
        return false;
    }

    /** The next event goes to a file opened anew at the path (after logrotate moved the old one away). */
    synchronized void reopen() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                System.err.println("pooldisk: cannot close " + file + ": " + e.getMessage());
            }
            writer = null;
        }
        failed = false;
    }

    @Override
    public synchronized void onEvent(PoolEvent event) {
        if (event.level() == PoolEvent.Level.DEBUG || failed) {
            return;
        }
        try {
            if (writer == null) {
                OwnerOnly.file(file); // it names users and their files
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            writer.write(event.toString());
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            failed = true;
            System.err.println("pooldisk: cannot write " + file + ": " + e.getMessage());
        }
    }
}
