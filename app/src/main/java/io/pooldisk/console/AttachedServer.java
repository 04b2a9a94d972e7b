package io.pooldisk.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.pooldisk.auth.Ban;
import io.pooldisk.pool.AuditLog;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.BanJson;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolListener;
import io.pooldisk.pool.PoolSnapshot;
import io.pooldisk.pool.StatusJson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A headless server ({@code pooldisk serve}) watched through the control socket of its data directory: one
 * connection says {@code WATCH} and reads its snapshots and events, one JSON object a line, on a thread of its own,
 * and hands them to the model as the in-process server would; each action is a request of its own ({@code KICK id},
 * {@code RESIZE n}, ...), one line and one answer (docs/ARCHITECTURE.md, "The control socket"). The socket is the
 * owner's only, so the console attaches only to its own user's servers. Closing it leaves the server running.
 */
final class AttachedServer implements ServerHandle {

    private final Path dataDir;
    private final SocketChannel watch;
    private final BufferedReader lines;
    private final PoolListener model;
    private final InetSocketAddress address;
    private final CompletableFuture<String> end = new CompletableFuture<>();
    private volatile boolean closed;

    private AttachedServer(
            Path dataDir, SocketChannel watch, BufferedReader lines, PoolListener model, InetSocketAddress address) {
        this.dataDir = dataDir;
        this.watch = watch;
        this.lines = lines;
        this.model = model;
        this.address = address;
    }

    /** Starts watching the server on {@code dataDir}; its first snapshot is in {@code model} when this returns. */
    static AttachedServer attach(Path dataDir, PoolListener model) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(DataDirs.controlSocket(dataDir)));
            channel.write(ByteBuffer.wrap("WATCH\n".getBytes(StandardCharsets.UTF_8)));
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            String first = lines.readLine();
            if (first == null || !first.startsWith("{")) {
                throw new IOException(first == null ? "the server closed its control socket" : first.trim());
            }
            PoolSnapshot snapshot = StatusJson.readSnapshot(StatusJson.parse(first));
            model.onSnapshot(snapshot);
            AttachedServer attached =
                    new AttachedServer(dataDir, channel, lines, model, address(snapshot.listenAddress()));
            Thread reader = new Thread(attached::read, "pool-attached-watch");
            reader.setDaemon(true);
            reader.start();
            return attached;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (e instanceof java.net.SocketException || e instanceof java.nio.file.NoSuchFileException) {
                throw new IOException(
                        "no server is running on data directory " + dataDir + " (" + e.getMessage() + ")");
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** "127.0.0.1:8080" or "[::1]:8080", as snapshots name the listening address. */
    static InetSocketAddress address(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(listen.substring(colon + 1)));
    }

    private void read() {
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                JsonNode n = StatusJson.parse(line);
                switch (n.path("type").asText()) {
                    case "snapshot" -> model.onSnapshot(StatusJson.readSnapshot(n));
                    case "event" -> model.onEvent(StatusJson.readEvent(n));
                    default -> {
                        // a kind of line this console does not know: a newer server's
                    }
                }
            }
            end.complete(null);
        } catch (IOException | RuntimeException e) {
            end.complete(closed ? null : "the control socket broke: " + e.getMessage());
        }
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public void killWorker(int pid) throws IOException {
        request("KILL " + pid);
    }

    @Override
    public void recycleWorker(int pid) throws IOException {
        request("RECYCLE " + pid);
    }

    @Override
    public void resize(int workers) throws IOException {
        request("RESIZE " + workers);
    }

    @Override
    public void kickSession(long id) throws IOException {
        request("KICK " + id);
    }

    /** The one place that bans through the control socket (bans are being reworked: BAN ADD may replace it). */
    @Override
    public List<Ban> bans() throws IOException {
        String said = exchange("BAN LIST");
        if (said.startsWith("ERR")) {
            throw new IOException(said);
        }
        return BanJson.read(said);
    }

    @Override
    public String ban(String target, Duration length, String reason) throws IOException {
        String said = request("BAN ADD " + target + " " + (length == null ? Ban.PERMANENT : Ban.formatLength(length))
                + (reason.isBlank() ? "" : " " + reason.strip()));
        return said.substring("OK ".length());
    }

    @Override
    public void unban(String target) throws IOException {
        request("BAN DEL " + target);
    }

    /** Appended to the data directory's audit.log as {@code pooldisk user} does: safe beside the server's writer. */
    @Override
    public void audit(AuditRecord record) throws IOException {
        AuditLog.append(dataDir(), record);
    }

    /** DEBUG events stay in the server's own log: a watcher gets INFO and above. */
    @Override
    public AutoCloseable subscribeDebug(PoolListener listener) {
        return () -> {};
    }

    @Override
    public String awaitEnd() {
        try {
            return end.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    /** Stops watching; the server goes on. */
    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    /** One control request; its answer, or an IOException saying why the server refused it. */
    String request(String line) throws IOException {
        String said = exchange(line);
        if (!said.startsWith("OK")) {
            throw new IOException(said.isEmpty() ? "no answer" : said);
        }
        return said;
    }

    /** One control request and its whole answer, whatever it is. */
    private String exchange(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(DataDirs.controlSocket(dataDir)));
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (channel.read(buf) >= 0) {
                answer.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return answer.toString(StandardCharsets.UTF_8).trim();
        }
    }
}
