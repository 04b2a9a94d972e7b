package io.pooldisk.pool;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code serve --metrics HOST:PORT}: {@code /metrics} (OpenMetrics, or Prometheus text 0.0.4) and {@code /status.json}
 * (what the control socket's STATUS answers) over HTTP, with the JDK's server. A scrape asks the master's loop for a
 * snapshot, as {@code pooldisk status} does, and writes the page on its own thread.
 */
final class MetricsServer implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService executor;

    private MetricsServer(HttpServer http) {
        this.http = http;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pooldisk-metrics");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
    }

    /** Listens on {@code address} (without serving yet); a clear one-line error when it cannot. */
    static MetricsServer bind(InetSocketAddress address) throws PoolStartException {
        String where = Master.describe(address);
        if (address.isUnresolved()) {
            throw new PoolStartException("cannot resolve metrics host " + address.getHostString());
        }
        try {
            return new MetricsServer(HttpServer.create(address, 16));
        } catch (BindException e) {
            String why = e.getMessage() != null && e.getMessage().contains("in use")
                    ? "address already in use"
                    : e.getMessage();
            throw new PoolStartException("cannot serve metrics on " + where + ": " + why);
        } catch (IOException e) {
            throw new PoolStartException("cannot serve metrics on " + where + ": " + e.getMessage());
        }
    }

    /** The address it listens on, with the real port when port 0 was asked for. */
    InetSocketAddress address() {
        return http.getAddress();
    }

    /** Serves {@code server}'s figures from now on. */
    void start(PoolServer server) {
        http.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, server);
            } catch (IOException | RuntimeException e) {
                // the scraper went away, or the page failed: the next scrape tries again
            }
        });
        http.start();
    }

    private static void handle(HttpExchange exchange, PoolServer server) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/metrics") && !path.equals("/status.json")) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics or /status.json\n");
            return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed: " + method + "\n");
            return;
        }
        PoolServer.Scrape scrape = server.scrape();
        if (path.equals("/status.json")) {
            send(exchange, 200, "application/json", StatusJson.write(scrape.snapshot()));
            return;
        }
        boolean openMetrics =
                MetricsText.wantsOpenMetrics(exchange.getRequestHeaders().getFirst("Accept"));
        String text =
                MetricsText.write(scrape.snapshot(), scrape.wanted(), server.metrics(), Instant.now(), openMetrics);
        send(exchange, 200, openMetrics ? MetricsText.OPENMETRICS : MetricsText.PROMETHEUS, text);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        try {
            http.stop(0);
        } catch (RuntimeException ignored) {
            // never started: nothing to stop but the socket, which stop closed first
        }
        executor.shutdownNow();
    }
}
