package io.pooldisk.pool;

import java.io.IOException;

/** Appends the server's log (INFO and above) to {@code server.log} in the data directory, owner-only, rotated. */
final class ServerLogFile implements PoolListener {

    private final RotatingFile file;
    private boolean failed;

    ServerLogFile(RotatingFile file) {
        this.file = file;
    }

    @Override
    public boolean wantsSnapshots() {
        return false;
    }

    /** Events go to a file opened anew at the path (after logrotate moved the old one away). */
    synchronized void reopen() {
        try {
            file.reopen();
            failed = false;
        } catch (IOException e) {
            failed = true;
            System.err.println("pooldisk: cannot reopen " + file.path() + ": " + e.getMessage());
        }
    }

    synchronized void close() {
        file.close();
    }

    @Override
    public synchronized void onEvent(PoolEvent event) {
        if (event.level() == PoolEvent.Level.DEBUG || failed) {
            return;
        }
        try {
            file.append(event.toString());
        } catch (IOException e) {
            failed = true;
            System.err.println("pooldisk: cannot write " + file.path() + ": " + e.getMessage());
        }
    }
}
