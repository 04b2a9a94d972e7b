package io.pooldisk.console;

import io.pooldisk.cli.ServerSignals;
import io.pooldisk.pool.PoolServer;
import java.time.Duration;

/**
 * The console's process as a headless server, once its window closed with "keep running headless". The server's
 * threads are the console's daemons (they must not keep a console's JVM alive), so a thread that is no daemon waits
 * for the server to end: the JVM lives as long as the server, after the FX toolkit has exited. The server takes the
 * signals {@code pooldisk serve} takes (SIGTERM stops it, SIGHUP replaces its workers, ...), logs to server.log in
 * its data directory as before, and a console can attach to it through its control socket. Its sessions carry on:
 * nothing of the server moved.
 */
final class HeadlessServer {

    private HeadlessServer() {}

    static void keep(PoolServer server) {
        ServerSignals.install(server, server::replaceWorkers); // no configuration file to reread: the console holds it
        System.err.println("pooldisk-console: the window closed; the server on "
                + server.snapshot().listenAddress() + " (data "
                + server.config().dataDir()
                + ") keeps running headless in process "
                + ProcessHandle.current().pid()
                + ": stop it with kill " + ProcessHandle.current().pid() + ", or attach a console to it with --attach "
                + server.config().dataDir());
        Thread keeper = new Thread(
                () -> {
                    while (!server.awaitTermination(Duration.ofDays(1))) {
                        // serving headless
                    }
                },
                "pooldisk-headless");
        keeper.setDaemon(false);
        keeper.start();
    }
}
