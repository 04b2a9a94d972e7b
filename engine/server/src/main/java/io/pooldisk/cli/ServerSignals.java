package io.pooldisk.cli;

import io.pooldisk.pool.PoolServer;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * The signals a headless server takes: {@code pooldisk serve}'s, and the console's once it keeps its server running
 * without a window.
 */
public final class ServerSignals {

    private ServerSignals() {}

    /**
     * Signal handlers only ask; the master loop does the work. TERM and INT stop gracefully, a second one at once. As
     * gunicorn and nginx take them: HUP runs {@code reload} ({@code pooldisk serve} rereads its configuration file,
     * then replaces the workers gracefully), USR1 reopens the logs (after logrotate), TTIN and TTOU add and remove a
     * worker. (QUIT stays the JVM's: HotSpot keeps it for its thread dump and lets no Java handler take it.)
     */
    public static void install(PoolServer server, Runnable reload) {
        Signal.handle(new Signal("HUP"), s -> reload.run());
        Signal.handle(new Signal("USR1"), s -> server.reopenLogs());
        Signal.handle(new Signal("TTIN"), s -> server.resizeBy(1));
        Signal.handle(new Signal("TTOU"), s -> server.resizeBy(-1));
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                if (signals.incrementAndGet() == 1) {
                    server.requestStop();
                } else {
                    server.requestFastStop();
                }
            });
        }
    }
}
