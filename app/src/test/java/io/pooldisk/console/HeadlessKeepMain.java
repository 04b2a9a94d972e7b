package io.pooldisk.console;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What the console's process does when its window closes with "keep running headless", without the window: the
 * server started from a daemon thread as the console starts it (so the server's threads are daemons too), handed to
 * {@link HeadlessServer#keep}, and then {@code main} returns, as the console's does once the FX toolkit has exited.
 */
public final class HeadlessKeepMain {

    private HeadlessKeepMain() {}

    public static void main(String[] args) throws Exception {
        PoolConfig config = PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(1)
                .dataDir(Path.of(args[0]))
                .build();
        CompletableFuture<PoolServer> started = new CompletableFuture<>();
        Thread lifecycle = new Thread(() -> {
            try {
                started.complete(PoolServer.start(config));
            } catch (Exception e) {
                started.completeExceptionally(e);
            }
        });
        lifecycle.setDaemon(true);
        lifecycle.start();
        PoolServer server = started.get();
        HeadlessServer.keep(server);
        System.out.println("kept on port " + server.address().getPort());
    }
}
