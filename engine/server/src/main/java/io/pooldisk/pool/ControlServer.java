package io.pooldisk.pool;

import io.pooldisk.auth.Ban;
import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The control socket in the data directory ({@code control.sock}, mode 0600), one request line and one answer per
 * connection: {@code pooldisk status} sends {@code STATUS} and reads the scoreboard as JSON; {@code pooldisk resize}
 * sends {@code RESIZE n}; {@code pooldisk ban} and the console send {@code BAN LIST} (JSON), {@code BAN ADD
 * <address-or-network> <length|permanent> [reason]} and {@code BAN DEL <address-or-network>}; the console attached
 * to the server sends {@code KICK id}, {@code RECYCLE pid} and {@code KILL pid}, and {@code WATCH}, the one request
 * whose answer does not end: snapshots and events, one JSON object a line, until the client or the server closes
 * (docs/ARCHITECTURE.md, "The control
 * socket"). A thread accepts; each client is served on a thread of its own, so that one that says nothing holds up no
 * other, and within time-outs, so that it holds its thread only so long: {@link #REQUEST_TIMEOUT} to send its request
 * (then ERR 408), {@link #ANSWER_TIMEOUT} to take the answer. At most {@link #MAX_CLIENTS} are served at once; more
 * wait to be accepted until one is done, which is within the time-outs. A watcher gives its place back once it has
 * said WATCH and takes one of {@link #MAX_WATCHERS} instead.
 */
final class ControlServer implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_CLIENTS = 16;
    /** Watchers at once, besides the {@link #MAX_CLIENTS} clients with one request. */
    static final int MAX_WATCHERS = 8;
    /** Events a watcher may have unsent; one more, and it has fallen too far behind and is closed. */
    static final int WATCH_BACKLOG = 2_000;
    /** A watcher that takes none of what it is sent for this long is closed. */
    static final Duration WATCH_STALL_TIMEOUT = Duration.ofSeconds(10);

    /** Room for BAN ADD with an IPv6 network and a reason of {@link io.pooldisk.auth.BanList#MAX_REASON}. */
    private static final int MAX_REQUEST_BYTES = 1024;

    private static final Duration ACCEPT_RETRY = Duration.ofSeconds(1);

    private final Path path;
    private final PoolServer server;
    /** Threads made on demand and gone after a minute idle; never more than {@link #slots} lets run. */
    private final ExecutorService clients = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pooldisk-control-client");
        t.setDaemon(true);
        return t;
    });
    /** One per client being served: the accepting thread takes one before it accepts. */
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);

    private final Semaphore watchSlots = new Semaphore(MAX_WATCHERS);

    private ServerSocketChannel channel;
    private Thread thread;

    ControlServer(Path path, PoolServer server) {
        this.path = path;
        this.server = server;
    }

    void start() throws IOException {
        Files.deleteIfExists(path); // a stale socket of a dead server; the data directory lock says none runs
        channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        thread = new Thread(this::acceptClients, "pooldisk-control");
        thread.setDaemon(true);
        thread.start();
    }

    private void acceptClients() {
        while (channel.isOpen()) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                SocketChannel client = channel.accept();
                clients.execute(() -> {
                    AtomicBoolean released = new AtomicBoolean();
                    Runnable release = () -> {
                        if (released.compareAndSet(false, true)) {
                            slots.release();
                        }
                    };
                    try {
                        serve(client, release);
                    } finally {
                        release.run();
                    }
                });
            } catch (IOException e) {
                slots.release();
                if (channel.isOpen()) {
                    // out of descriptors, most likely: the connection waits in the backlog; try again in a while
                    // rather than spin on the same failure
                    System.err.println("pooldisk: control socket: " + e.getMessage() + "; accepting again in 1 s");
                    pause(ACCEPT_RETRY);
                }
            }
        }
    }

    /** Serves one client; {@code releaseSlot} gives its place among the {@link #MAX_CLIENTS} back (idempotent). */
    private void serve(SocketChannel client, Runnable releaseSlot) {
        try (client;
                Selector selector = Selector.open()) {
            client.configureBlocking(false);
            SelectionKey key = client.register(selector, SelectionKey.OP_READ);
            String request = readRequest(client, key, System.nanoTime() + REQUEST_TIMEOUT.toNanos());
            if ("WATCH".equals(request) && sameUser(client)) {
                releaseSlot.run();
                watch(client, key);
                return;
            }
            String reply = request == null
                    ? Reply.err(
                            ReplyCode.REQUEST_TIMEOUT,
                            "no control request within " + REQUEST_TIMEOUT.toSeconds() + " s")
                    : answer(client, request);
            writeAll(
                    client,
                    key,
                    ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)),
                    System.nanoTime() + ANSWER_TIMEOUT.toNanos());
        } catch (IOException e) {
            if (channel.isOpen() && !Thread.currentThread().isInterrupted()) {
                System.err.println("pooldisk: control socket: " + e.getMessage());
            }
        }
    }

    private String answer(SocketChannel client, String request) {
        if (!sameUser(client)) {
            return Reply.err(ReplyCode.FORBIDDEN, "only the server's owner may use its control socket");
        } else if (request.equals("STATUS")) {
            return StatusJson.write(server.snapshot()) + "\n";
        } else if (request.startsWith("RESIZE ")) {
            return resize(request.substring("RESIZE ".length()));
        } else if (request.equals("BAN LIST")) {
            try {
                return BanJson.write(server.bans()) + "\n";
            } catch (DiskException e) {
                return e.replyLine();
            }
        } else if (request.startsWith("BAN ADD ")) {
            return banAdd(request.substring("BAN ADD ".length()));
        } else if (request.startsWith("BAN DEL ")) {
            return banDel(request.substring("BAN DEL ".length()).strip());
        } else if (request.startsWith("KICK ")) {
            return kick(request.substring("KICK ".length()));
        } else if (request.startsWith("RECYCLE ") || request.startsWith("KILL ")) {
            return workerAction(request);
        }
        return Reply.err(ReplyCode.BAD_REQUEST, "unknown control request");
    }

    private String kick(String argument) {
        long id;
        try {
            id = Long.parseLong(argument);
        } catch (NumberFormatException e) {
            return Reply.err(ReplyCode.BAD_REQUEST, "KICK takes a session number, not '" + argument + "'");
        }
        PoolSnapshot now = server.snapshot();
        if (now == null || now.sessions().stream().noneMatch(s -> s.id() == id)) {
            return Reply.err(ReplyCode.NOT_FOUND, "no open session " + id);
        }
        server.kickSession(id);
        return Reply.ok("session " + id + " is being closed");
    }

    /** {@code RECYCLE pid} or {@code KILL pid}, for a pid of one of the pool's workers only. */
    private String workerAction(String request) {
        String verb = request.substring(0, request.indexOf(' '));
        String argument = request.substring(verb.length() + 1);
        int pid;
        try {
            pid = Integer.parseInt(argument);
        } catch (NumberFormatException e) {
            return Reply.err(ReplyCode.BAD_REQUEST, verb + " takes a worker's pid, not '" + argument + "'");
        }
        PoolSnapshot now = server.snapshot();
        if (pid <= 0 || now == null || now.workers().stream().noneMatch(w -> w.pid() == pid)) {
            return Reply.err(ReplyCode.NOT_FOUND, "no worker with pid " + pid);
        }
        if (verb.equals("KILL")) {
            server.killWorker(pid);
            return Reply.ok("worker " + pid + " is being killed");
        }
        server.recycleWorker(pid);
        return Reply.ok("worker " + pid + " is being recycled");
    }

    /**
     * Streams the pool to a watcher until it closes, the server stops or it falls too far behind: a fresh snapshot
     * first, then each event and each (coalesced) snapshot as it comes, one JSON object a line. Its listener on the
     * notifier's thread only queues (events, up to {@link #WATCH_BACKLOG}) or replaces (the latest snapshot) and
     * wakes this thread, so a slow watcher never slows the notifier, let alone the master loop; snapshots that came
     * while it was still taking the last one are never sent.
     */
    private void watch(SocketChannel client, SelectionKey key) throws IOException {
        if (!watchSlots.tryAcquire()) {
            writeAll(
                    client,
                    key,
                    ByteBuffer.wrap(Reply.err(ReplyCode.BUSY, "at most " + MAX_WATCHERS + " watchers at once")
                            .getBytes(StandardCharsets.UTF_8)),
                    System.nanoTime() + ANSWER_TIMEOUT.toNanos());
            return;
        }
        Watcher watcher = new Watcher(key.selector());
        AutoCloseable subscription = server.subscribe(watcher);
        try {
            watcher.snapshot.compareAndSet(null, server.snapshot());
            stream(client, key, watcher);
        } catch (IOException e) {
            // the watcher went away while it was sent something: the end of a watch as well
        } finally {
            watchSlots.release();
            try {
                subscription.close();
            } catch (Exception ignored) {
                // the notifier of a stopped server: nothing to leave
            }
        }
    }

    private void stream(SocketChannel client, SelectionKey key, Watcher watcher) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(0);
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST_BYTES);
        long lastProgress = System.nanoTime();
        while (channel.isOpen() && !Thread.currentThread().isInterrupted()) {
            if (watcher.behind) {
                System.err.println("pooldisk: control socket: a watcher fell more than " + WATCH_BACKLOG
                        + " events behind; closed it");
                return;
            }
            if (!out.hasRemaining()) {
                out = watcher.next();
                lastProgress = System.nanoTime();
            }
            if (out.hasRemaining() && client.write(out) > 0) {
                lastProgress = System.nanoTime();
            }
            in.clear();
            if (client.read(in) < 0) {
                return; // the watcher closed: the usual end
            }
            if (out.hasRemaining() && System.nanoTime() - lastProgress > WATCH_STALL_TIMEOUT.toNanos()) {
                System.err.println("pooldisk: control socket: a watcher took nothing for "
                        + WATCH_STALL_TIMEOUT.toSeconds() + " s; closed it");
                return;
            }
            if (out.hasRemaining() || !watcher.hasNext()) {
                key.interestOps(SelectionKey.OP_READ | (out.hasRemaining() ? SelectionKey.OP_WRITE : 0));
                key.selector().select(1000);
                key.selector().selectedKeys().clear();
            }
        }
    }

    /** A watcher's listener: called on the notifier's thread, it never blocks. */
    private static final class Watcher implements PoolListener {

        private final Selector selector;
        private final BlockingQueue<PoolEvent> events = new ArrayBlockingQueue<>(WATCH_BACKLOG);
        private final AtomicReference<PoolSnapshot> snapshot = new AtomicReference<>();
        private volatile boolean behind;

        Watcher(Selector selector) {
            this.selector = selector;
        }

        @Override
        public void onSnapshot(PoolSnapshot latest) {
            snapshot.set(latest);
            selector.wakeup();
        }

        @Override
        public void onEvent(PoolEvent event) {
            if (event.level() != PoolEvent.Level.DEBUG && !events.offer(event)) {
                behind = true;
            }
            selector.wakeup();
        }

        boolean hasNext() {
            return !events.isEmpty() || snapshot.get() != null;
        }

        /** What is queued, events first, then the latest snapshot, as lines; empty when nothing is. */
        ByteBuffer next() {
            StringBuilder lines = new StringBuilder();
            PoolEvent event;
            while ((event = events.poll()) != null) {
                lines.append(StatusJson.watchEvent(event)).append('\n');
            }
            PoolSnapshot latest = snapshot.getAndSet(null);
            if (latest != null) {
                lines.append(StatusJson.watchSnapshot(latest)).append('\n');
            }
            return ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private String resize(String count) {
        int workers;
        try {
            workers = Integer.parseInt(count);
            server.resize(workers);
        } catch (IllegalArgumentException e) { // not a number, or out of range
            return Reply.err(
                    ReplyCode.BAD_REQUEST,
                    "RESIZE takes a worker count from 1 to " + PoolConfig.MAX_WORKERS + ", not '" + count + "'");
        }
        return Reply.ok("the pool is being resized to " + workers + (workers == 1 ? " worker" : " workers"));
    }

    private String banAdd(String args) {
        String[] words = args.strip().split(" +", 3);
        if (words.length < 2) {
            return Reply.err(
                    ReplyCode.BAD_REQUEST,
                    "BAN ADD takes an address or network, a length or 'permanent', "
                            + "and a reason: BAN ADD 10.0.0.0/8 2h scanning");
        }
        try {
            Ban ban = server.ban(words[0], Ban.parseLength(words[1]), words.length > 2 ? words[2] : "");
            return Reply.ok("banned " + ban.range() + (ban.permanent() ? " permanently" : " until " + ban.until()));
        } catch (IllegalArgumentException e) {
            return Reply.err(ReplyCode.BAD_REQUEST, e.getMessage());
        } catch (DiskException e) {
            return e.replyLine();
        }
    }

    private String banDel(String target) {
        try {
            server.unban(target);
            return Reply.ok("lifted the ban on " + io.pooldisk.auth.AddressRange.parse(target));
        } catch (IllegalArgumentException e) {
            return Reply.err(ReplyCode.BAD_REQUEST, e.getMessage());
        } catch (DiskException e) {
            return e.replyLine();
        }
    }

    /** The socket file is 0600 already; the peer's credentials are checked as well. */
    private static boolean sameUser(SocketChannel client) {
        try {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return peer.user().getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The request line (without its line ending, at most {@value #MAX_REQUEST_BYTES} bytes; what came before the end
     * of the stream if it has none), or null when the client sent none by {@code deadline}.
     */
    private static String readRequest(SocketChannel client, SelectionKey key, long deadline) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST_BYTES);
        while (buf.hasRemaining()) {
            int n = client.read(buf);
            if (n < 0 || n > 0 && buf.get(buf.position() - 1) == '\n') {
                break;
            }
            if (n == 0 && !await(key, SelectionKey.OP_READ, deadline)) {
                return null;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    }

    /** Writes all of {@code buf}, unless the client has not taken it by {@code deadline}. */
    private static void writeAll(SocketChannel client, SelectionKey key, ByteBuffer buf, long deadline)
            throws IOException {
        while (buf.hasRemaining()) {
            if (client.write(buf) == 0 && !await(key, SelectionKey.OP_WRITE, deadline)) {
                return;
            }
        }
    }

    /** Waits until the client may be ready for {@code ops}: false, without waiting, once the deadline has passed. */
    private static boolean await(SelectionKey key, int ops, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            return false;
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("the control socket is closing");
        }
        key.interestOps(ops);
        key.selector().select(left);
        key.selector().selectedKeys().clear();
        return true;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        clients.shutdownNow();
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
