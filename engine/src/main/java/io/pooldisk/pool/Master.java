package io.pooldisk.pool;

import io.pooldisk.pool.PoolEvent.Kind;
import io.pooldisk.pool.PoolEvent.Level;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.Epoll;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.Native;
import io.pooldisk.unix.NativeException;
import io.pooldisk.worker.ControlMessage;
import io.pooldisk.worker.ControlMessage.Close;
import io.pooldisk.worker.ControlMessage.Counters;
import io.pooldisk.worker.ControlMessage.Hello;
import io.pooldisk.worker.ControlMessage.Park;
import io.pooldisk.worker.ControlMessage.Progress;
import io.pooldisk.worker.ControlMessage.Release;
import io.pooldisk.worker.ControlMessage.Serve;
import io.pooldisk.worker.ControlMessage.SessionEnd;
import io.pooldisk.worker.ControlMessage.Stop;
import io.pooldisk.worker.SessionState;
import io.pooldisk.worker.Transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The master: one thread running the seed's epoll loop, and the arbiter of gunicorn in one class. It accepts
 * connections and parks them; hands readable sessions to idle workers over their socketpairs; takes them back; and
 * reconciles the workers running against the workers wanted (spawn, reap, murder, retire). Other threads talk to it
 * only through {@link #submit}, which enqueues and wakes the loop, never by touching its state.
 */
final class Master implements Runnable {

    private static final int TICK_MILLIS = 100;
    private static final int MAX_BOOT_FAILURES = 5;
    private static final long BOOT_TIMEOUT_MILLIS = 60_000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /** How long accepting pauses when even the reserve descriptor cannot be had. */
    private static final long ACCEPT_PAUSE_MILLIS = 1_000;
    /** Warnings that can recur with every connection are said at most this often. */
    private static final long WARNING_INTERVAL_MILLIS = 10_000;
    /** A worker whose socketpair closed gets this long to exit by itself before it is killed. */
    private static final long EXIT_WAIT_MILLIS = 2_000;
    /** What a parked session waits for: its client's input, or room to send what it owes. */
    private static final int AWAIT_INPUT = Epoll.IN | Epoll.RDHUP | Epoll.ONESHOT;
    private static final int AWAIT_ROOM = Epoll.OUT | Epoll.ONESHOT;
    /** The most a parked session may hold of a request line: the longest line and its CRLF. */
    private static final int LINE_LIMIT = RequestLine.MAX_BYTES + 2;

    private final PoolConfig config;
    private final Epoll epoll;
    private final ServerSocketChannel listener;
    private final int listenerFd;
    private final PoolNotifier notifier;
    private final PoolServer.Lifecycle lifecycle;
    private final List<String> workerEnvironment;

    private final List<Worker> slots = new ArrayList<>();
    private final Map<Integer, Worker> workersByFd = new HashMap<>();
    private final Map<Integer, Session> sessionsByFd = new HashMap<>();
    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final ArrayDeque<Session> queue = new ArrayDeque<>();
    /** Processes that left their slot but are not reaped yet, with why they were ended (null: they left). */
    private final Map<Integer, Exited> unreaped = new HashMap<>();

    /** {@code booting}: it ended before saying hello, so its exit status tells whether it can start at all. */
    private record Exited(String reason, long killAt, boolean booting) {
    }
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** A direct buffer for peeking at, draining and writing to clients on the master thread. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(16 * 1024);
    private final jnr.ffi.Pointer sockaddr = Native.allocateSockaddr();
    private final DescriptorReserve reserve = new DescriptorReserve();
    /** Made at start: with no descriptor left, even loading a class from a directory of classes would fail. */
    private final String outOfDescriptorsReply = Reply.err(ReplyCode.BUSY,
            "the server is out of file descriptors; try again later");
    private final RepeatedWarning acceptFailures = new RepeatedWarning(WARNING_INTERVAL_MILLIS);
    private final RepeatedWarning refusals = new RepeatedWarning(WARNING_INTERVAL_MILLIS);
    /** The most sessions open at once: --max-sessions, or fewer when the descriptor limit would not hold them. */
    private int sessionLimit;
    /** While accepting is paused for want of descriptors: when to try again (monotonic ms); -1 otherwise. */
    private long acceptPausedUntil = -1;

    private int wanted;
    private long nextSessionId = 1;
    private long accepted;
    private long rejected;
    private long requestsServed;
    private long slowCommands;
    private long bytesIn;
    private long bytesOut;
    /** Client hosts refused until a time (monotonic milliseconds), set from the console. */
    private final Map<String, Long> bans = new HashMap<>();
    private int maxQueued;
    private int maxBusy;
    private long allBusyCount;
    /** Workers that failed to start, in a row, for any reason: how long spawning backs off. */
    private int bootFailures;
    /** Of those, the ones that retrying cannot fix (the worker's runtime or options are wrong): they stop the server. */
    private int bootErrors;
    private long nextSpawnAt;
    private long lastTick;
    private long lastIdleScan;
    private long lastMemoryScan;
    private boolean listening = true;
    /** Set once a stop begins: the time after which live workers are killed. */
    private long stopDeadline = -1;
    private String fatalError;
    private final long startedAt = now();

    Master(PoolConfig config, ServerSocketChannel listener, PoolNotifier notifier, PoolServer.Lifecycle lifecycle)
            throws NativeException {
        this.config = config;
        this.listener = listener;
        this.listenerFd = Native.fdOf(listener);
        this.notifier = notifier;
        this.lifecycle = lifecycle;
        this.wanted = config.workers();
        this.epoll = new Epoll(1024);
        this.workerEnvironment = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        epoll.add(listenerFd, Epoll.IN);
        limitSessions();
    }

    /** Keeps sessions within what the descriptor limit holds, with room for the workers and their hand-backs. */
    private void limitSessions() {
        int capacity = DescriptorReserve.sessionCapacity(Math.max(wanted, slots.size()));
        int limit = Math.min(config.maxSessions(), capacity);
        if (limit < config.maxSessions() && limit != sessionLimit) {
            emit(Level.WARN, Kind.SERVER, "at most " + limit + " sessions at once, not " + config.maxSessions()
                    + ": the open files limit is " + DescriptorReserve.openFileLimit() + " (raise it with ulimit -n)");
        }
        sessionLimit = limit;
    }

    /** Runs {@code command} on the master thread soon. Safe from any thread. */
    void submit(Runnable command) {
        commands.add(command);
        epoll.wakeup();
    }

    // ---------------------------------------------------------------- the loop

    @Override
    public void run() {
        try {
            manageWorkers(now());
            while (!finished()) {
                int ready = epoll.await(TICK_MILLIS);
                for (int i = 0; i < ready; i++) {
                    if (!epoll.isWakeup(i)) {
                        onEvent(epoll.fd(i), epoll.events(i));
                    }
                }
                runCommands();
                long now = now();
                if (now - lastTick >= TICK_MILLIS / 10) {
                    lastTick = now;
                    tick(now);
                }
            }
        } catch (Throwable t) {
            fatalError = "master loop failed: " + t;
            emit(Level.ERROR, Kind.SERVER, fatalError);
            killAllWorkers("master failure");
        } finally {
            closeEverything();
            lifecycle.stopped(fatalError);
        }
    }

    private void onEvent(int fd, int events) {
        if (fd == listenerFd) {
            acceptConnection();
            return;
        }
        Worker worker = workersByFd.get(fd);
        if (worker != null) {
            readWorker(worker, events);
            return;
        }
        Session session = sessionsByFd.get(fd);
        if (session != null) {
            onSessionReady(session);
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
    }

    /** Everything that happens by the clock: gunicorn's murder_workers, reap_workers and manage_workers. */
    private void tick(long now) {
        resumeAcceptingIfDue(now);
        expireQueue(now);
        if (now - lastIdleScan >= 1000) {
            lastIdleScan = now;
            expireParkedSessions(now);
        }
        murderWorkers(now);
        reapWorkers();
        if (stopDeadline >= 0) {
            advanceStop(now);
        } else {
            manageWorkers(now);
        }
        if (now - lastMemoryScan >= 1000) {
            lastMemoryScan = now;
            for (Worker w : slots) {
                w.rssBytes = w.alive() ? ProcessMemory.residentBytes(w.pid) : 0;
            }
            notifier.changed();
        }
        notifier.maybePublish(this::snapshot);
    }

    private boolean finished() {
        return stopDeadline >= 0 && slots.stream().noneMatch(Worker::alive) && unreaped.isEmpty();
    }

    // ---------------------------------------------------------------- connections and sessions

    /**
     * The seed's accept: one connection per readiness event, as nginx does by default (multi_accept off). The
     * listener is level-triggered, so the next wait reports any other waiting connection; accepting until EAGAIN
     * would cost a failing accept4 for nearly every connection.
     */
    private void acceptConnection() {
        Native.Accepted connection;
        try {
            connection = Native.accept(listenerFd, sockaddr);
        } catch (NativeException e) {
            if (e.outOfDescriptors()) {
                refuseForWantOfDescriptors(e);
            } else {
                acceptFailures.occurred(now(), "accept failed: " + e.getMessage(),
                        m -> emit(Level.WARN, Kind.SERVER, m));
            }
            return;
        }
        if (connection != null) {
            accepted++;
            openSession(connection.fd(), connection.peer());
        }
    }

    /**
     * accept failed for want of a descriptor, so the connection stays in the backlog and the listener readable: with
     * the reserve given up, it comes in just long enough to hear ERR 503. Sessions already open go on being served,
     * and accepting resumes by itself once descriptors are free again.
     */
    private void refuseForWantOfDescriptors(NativeException e) {
        long now = now();
        acceptFailures.occurred(now, "out of file descriptors (" + e.getMessage() + "): new connections get ERR 503"
                + " until some close", m -> emit(Level.ERROR, Kind.SERVER, m));
        reserve.release();
        try {
            Native.Accepted connection = Native.accept(listenerFd, sockaddr);
            if (connection != null) {
                accepted++;
                rejected++;
                sayAndClose(connection.fd(), outOfDescriptorsReply);
            }
        } catch (NativeException stillNone) {
            pauseAccepting(now); // the reserve went elsewhere: stop watching the listener for a moment, not spin
        } finally {
            if (!reserve.take()) {
                pauseAccepting(now);
            }
        }
    }

    private void pauseAccepting(long now) {
        if (acceptPausedUntil < 0 && listening) {
            epoll.remove(listenerFd);
        }
        acceptPausedUntil = now + ACCEPT_PAUSE_MILLIS;
    }

    private void resumeAcceptingIfDue(long now) {
        if (acceptPausedUntil >= 0 && now >= acceptPausedUntil) {
            acceptPausedUntil = -1;
            if (listening) {
                try {
                    epoll.add(listenerFd, Epoll.IN);
                } catch (NativeException e) {
                    pauseAccepting(now); // epoll itself is short of memory: try again later
                }
            }
        }
    }

    private void openSession(int fd, String client) {
        if (banned(client)) {
            rejected++;
            sayAndClose(fd, Reply.err(ReplyCode.FORBIDDEN, "your address is banned from this server"));
            debug(Kind.SESSION, () -> "refused banned " + client);
            return;
        }
        if (sessions.size() >= sessionLimit) {
            rejected++;
            sayAndClose(fd, Reply.err(ReplyCode.BUSY, "too many connections (" + sessionLimit + ")"));
            refusals.occurred(now(), "refused " + client + ": " + sessionLimit + " sessions open",
                    m -> emit(Level.WARN, Kind.QUEUE, m));
            return;
        }
        Session session = new Session(nextSessionId++, fd, client, now());
        sessions.put(session.id, session);
        sessionsByFd.put(fd, session);
        debug(Kind.SESSION, () -> "accepted " + session);
        notifier.changed();
        // As in the seed, a new connection goes straight to an idle worker (its request line is nearly always on its
        // way), or waits in the FIFO when every worker is busy. Once the FIFO is as long as the pool, newcomers are
        // parked until they send a line: a crowd that connects and says nothing costs epoll registrations, not places
        // in the queue.
        Worker idle = queue.isEmpty() ? pickIdleWorker() : null;
        if (idle != null) {
            handOff(session, idle, true);
        } else if (queue.size() < servingCount()) {
            dispatch(session);
        } else {
            park(session);
        }
    }

    /**
     * Watches a session's connection in the master (epoll, one shot) until it has work for a worker again: a whole
     * request line, or the readiness that the replies or transfer it is in the middle of wait for.
     */
    private void park(Session session) {
        int interest = session.state.waitsToSend() ? AWAIT_ROOM : AWAIT_INPUT;
        try {
            if (session.registered) {
                epoll.modify(session.fd, interest);
            } else {
                epoll.add(session.fd, interest);
                session.registered = true;
            }
        } catch (NativeException e) {
            closeSession(session, SessionEnd.EPOLL_FAILED, e.getMessage(), null);
        }
    }

    /**
     * A parked session's socket is ready (or hung up). In the middle of a transfer, that is what it waited for: it
     * goes to a worker. Otherwise it goes to a worker once a whole request line is in; a partial line stays here.
     */
    private void onSessionReady(Session session) {
        if (session.worker != null || session.queued) {
            return;
        }
        session.lastActive = now();
        if (session.midTransfer()) {
            dispatch(session);
        } else {
            takeInput(session);
        }
    }

    /**
     * Reads a parked session's input as far as its line ending. A whole line is left in the socket for the worker
     * (a peek finds it); the bytes of a partial line are taken into the session's state, so that the socket reports
     * the next ones, and wait there, at most {@link #LINE_LIMIT} of them and for at most the request time-out.
     */
    private void takeInput(Session session) {
        byte[] held = session.state.pending();
        int n;
        try {
            if (held.length == 0) {
                n = Native.receiveNow(session.fd, scratch, LINE_LIMIT, true);
                if (n > 0 && hasLineEnd(scratch)) {
                    dispatch(session);
                    return;
                }
                if (n > 0) {
                    n = Native.receiveNow(session.fd, scratch, n, false);
                }
            } else {
                n = Native.receiveNow(session.fd, scratch, Math.max(1, LINE_LIMIT + 1 - held.length), false);
            }
        } catch (NativeException e) {
            closeSession(session, SessionEnd.CONNECTION_FAILED, e.getMessage(), null);
            return;
        }
        if (n == 0) {
            closeSession(session, SessionEnd.CLIENT_CLOSED, null);
            return;
        }
        if (n < 0) {
            park(session);
            return;
        }
        byte[] more = java.util.Arrays.copyOf(held, held.length + n);
        scratch.get(0, more, held.length, n);
        session.state = session.state.withPending(more);
        if (hasLineEnd(scratch)) {
            session.lineSince = 0;
            dispatch(session);
        } else if (more.length > RequestLine.MAX_BYTES + 1) {
            closeSession(session, SessionEnd.LINE_TOO_LONG, Reply.err(ReplyCode.LINE_TOO_LONG,
                    "request line longer than " + RequestLine.MAX_BYTES + " bytes"));
        } else {
            if (session.lineSince == 0) {
                session.lineSince = now();
            }
            park(session);
        }
    }

    private static boolean hasLineEnd(ByteBuffer bytes) {
        for (int i = 0; i < bytes.limit(); i++) {
            if (bytes.get(i) == '\n') {
                return true;
            }
        }
        return false;
    }

    /** A session with work to do goes to an idle worker, or waits its turn in the FIFO. */
    private void dispatch(Session session) {
        if (stopDeadline >= 0) {
            closeSession(session, SessionEnd.SERVER_STOPPING, Reply.err(ReplyCode.BUSY, "server shutting down"));
            return;
        }
        Worker idle = queue.isEmpty() ? pickIdleWorker() : null;
        if (idle != null) {
            handOff(session, idle, true);
            return;
        }
        if (config.maxPending() > 0 && queue.size() >= config.maxPending()) {
            allBusyCount++;
            rejected++;
            emit(Level.WARN, Kind.QUEUE, "queue full (" + config.maxPending() + "): refused " + session);
            closeSession(session, SessionEnd.QUEUE_FULL, Reply.err(ReplyCode.BUSY, "server busy"));
            return;
        }
        enqueue(session);
    }

    /** Only called when no worker is idle (an idle worker drains the queue at once), so every call counts. */
    private void enqueue(Session session) {
        allBusyCount++;
        session.queued = true;
        session.queuedAt = now();
        queue.addLast(session);
        maxQueued = Math.max(maxQueued, queue.size());
        debug(Kind.QUEUE, () -> session + " waits for a worker (" + queue.size() + " queued)");
        releaseLingerers();
        notifier.changed();
    }

    /**
     * A worker never keeps a quiet session while another session waits (DESIGN.md §3): for each queued session that
     * no release already serves, the worker that has lingered longest is asked to hand its session back. Workers
     * running a command are not asked; they are asked once they report lingering, and those handed a session while
     * others wait do not linger at all (see {@link #handOff}).
     */
    private void releaseLingerers() {
        int unserved = queue.size();
        for (Worker w : slots) {
            if (w.releaseAsked && w.session != null) {
                unserved--;
            }
        }
        while (unserved > 0) {
            Worker longest = null;
            for (Worker w : slots) {
                if (w.state == WorkerState.LINGERING && !w.releaseAsked && w.session != null
                        && (longest == null || w.lingeringSince < longest.lingeringSince)) {
                    longest = w;
                }
            }
            if (longest == null) {
                return;
            }
            longest.releaseAsked = true;
            unserved--;
            try {
                longest.socket.send(new Release(longest.session.id).encode(), -1);
            } catch (NativeException e) {
                killWorker(longest, "could not ask it to release its session: " + e.getMessage());
            }
        }
    }

    /** The idle worker that has waited longest, so sessions visibly travel around the pool. */
    private Worker pickIdleWorker() {
        Worker best = null;
        for (Worker w : slots) {
            if (w.state == WorkerState.IDLE && (best == null || w.idleSince < best.idleSince)) {
                best = w;
            }
        }
        return best;
    }

    /**
     * The seed's sendfd: the client's descriptor and the session's state go to the worker in one message, with the
     * file of a download it is in the middle of. {@code mayLinger}: whether the worker may wait for the client;
     * not while other sessions wait for a worker.
     */
    private void handOff(Session session, Worker worker, boolean mayLinger) {
        try {
            worker.socket.send(new Serve(session.id, session.state, mayLinger).encode(), session.fd,
                    session.transferFd);
        } catch (NativeException | IllegalArgumentException e) {
            emit(Level.WARN, Kind.HANDOFF, "hand-off of " + session + " to " + worker + " failed: " + e.getMessage());
            workerGone(worker, "hand-off failed");
            dispatch(session);
            return;
        }
        Native.close(session.transferFd); // the worker has its own copy, and hands it back if it parks again
        session.transferFd = -1;
        session.worker = worker;
        session.startHandOff();
        worker.session = session;
        worker.state = WorkerState.BUSY;
        worker.releaseAsked = false;
        worker.commandBytes = 0;
        worker.lastProgress = now();
        maxBusy = Math.max(maxBusy, occupiedCount());
        debug(Kind.HANDOFF, () -> session + " -> " + worker);
        notifier.changed();
    }

    private void dispatchQueued() {
        while (!queue.isEmpty()) {
            Worker idle = pickIdleWorker();
            if (idle == null) {
                return;
            }
            Session next = queue.pollFirst();
            next.queued = false;
            if (!next.closed) {
                handOff(next, idle, queue.isEmpty());
            }
        }
    }

    private void expireQueue(long now) {
        long limit = config.queueTimeout().toMillis();
        while (!queue.isEmpty() && (queue.peekFirst().closed || now - queue.peekFirst().queuedAt >= limit)) {
            Session s = queue.pollFirst();
            s.queued = false;
            if (!s.closed) {
                rejected++;
                emit(Level.WARN, Kind.QUEUE, s + " waited " + (now - s.queuedAt) + " ms for a worker: refused");
                closeSession(s, SessionEnd.QUEUE_TIMEOUT, Reply.err(ReplyCode.BUSY, "server busy"));
            }
        }
    }

    /**
     * Closes parked sessions that waited too long: for the rest of a request line or for a transfer to move (the
     * request time-out), or for anything at all (the idle time-out).
     */
    private void expireParkedSessions(long now) {
        long idleLimit = config.idleTimeout().toMillis();
        long requestLimit = config.requestTimeout().toMillis();
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.worker != null || s.queued) {
                continue;
            }
            if (requestLimit > 0 && s.lineSince > 0 && now - s.lineSince >= requestLimit) {
                emit(Level.INFO, Kind.SESSION, s + " sent a partial request line for " + (now - s.lineSince) / 1000
                        + " s: closed");
                closeSession(s, SessionEnd.REQUEST_LINE_TOO_SLOW, Reply.err(ReplyCode.REQUEST_TIMEOUT,
                        "request line not completed within " + requestLimit / 1000 + " s; closing"));
            } else if (requestLimit > 0 && s.midTransfer() && now - s.transferMovedAt >= requestLimit) {
                closeStalledTransfer(s, now - s.transferMovedAt);
            } else if (idleLimit > 0 && now - s.lastActive >= idleLimit) {
                emit(Level.INFO, Kind.SESSION, s + " idle for " + (now - s.lastActive) / 1000 + " s: closed");
                closeSession(s, SessionEnd.IDLE_TIMEOUT, Reply.err(ReplyCode.REQUEST_TIMEOUT,
                        "idle for too long; closing"));
            }
        }
    }

    /**
     * A transfer whose client moved nothing for the request time-out. An upload is told why (its bytes so far stay
     * on the server: PUT again resumes it); a download's stream cannot carry a reply, so it just ends (GET again at
     * the bytes received resumes it).
     */
    private void closeStalledTransfer(Session s, long stalledMillis) {
        Transfer t = s.state.transfer();
        String what = t != null ? t.label() : "sending replies";
        emit(Level.INFO, Kind.SESSION, s + ": " + what + " moved nothing for " + stalledMillis / 1000 + " s: closed");
        String farewell = t instanceof Transfer.Receiving r ? Reply.err(ReplyCode.REQUEST_TIMEOUT, "upload stalled: no "
                + "bytes for " + stalledMillis / 1000 + " s; the " + r.received() + " bytes received are kept, PUT "
                + "again to resume") : null;
        closeSession(s, SessionEnd.TRANSFER_STALLED, farewell);
    }

    /**
     * Closes the master's copy of a session, after telling the client why when {@code farewell} is given (and
     * draining unread input, so that the client gets the last reply rather than a reset).
     */
    private void closeSession(Session session, SessionEnd end, String farewell) {
        closeSession(session, end, "", farewell);
    }

    /**
     * As above, with a detail for the log; a broken connection (failed, or closed by the client) is closed at once,
     * without a farewell.
     */
    private void closeSession(Session session, SessionEnd end, String detail, String farewell) {
        if (session.closed) {
            return;
        }
        session.closed = true;
        if (session.registered) {
            epoll.remove(session.fd); // before close: a worker's duplicate would keep the registration alive
        }
        sessionsByFd.remove(session.fd);
        sessions.remove(session.id);
        Native.close(session.transferFd);
        session.transferFd = -1;
        if (end.connectionGone()) {
            Native.close(session.fd);
        } else {
            sayAndClose(session.fd, farewell);
        }
        if (session.worker != null && session.worker.session == session) {
            session.worker.session = null;
        }
        debug(Kind.SESSION, () -> "closed " + session + ": " + end.describe(detail));
        notifier.changed();
    }

    private boolean banned(String client) {
        if (bans.isEmpty()) {
            return false;
        }
        Long until = bans.get(SessionState.hostOf(client));
        if (until != null && now() >= until) {
            bans.remove(SessionState.hostOf(client));
            return false;
        }
        return until != null;
    }

    /** Refuses new connections from {@code host} for {@code millis}, and closes its open sessions. */
    void ban(String host, long millis) {
        bans.put(host, now() + millis);
        emit(Level.WARN, Kind.SESSION, "banned " + host + " for " + millis / 1000 + " s");
        for (Session s : new ArrayList<>(sessions.values())) {
            if (SessionState.hostOf(s.client()).equals(host)) {
                kickSession(s.id);
            }
        }
    }

    void kickSession(long id) {
        Session s = sessions.get(id);
        if (s == null) {
            return;
        }
        emit(Level.INFO, Kind.SESSION, "kicked " + s);
        if (s.worker != null) {
            // The worker's copy of the connection still works: shut the socket down so the worker sees the end.
            Native.shutdown(s.fd);
        }
        closeSession(s, SessionEnd.KICKED, null);
    }

    // ---------------------------------------------------------------- workers

    /**
     * One message per readiness event: epoll is level-triggered, so a worker with more to say is reported again on
     * the next wait, and the common case (one message) costs one recvmsg, not two.
     */
    private void readWorker(Worker worker, int events) {
        MessageSocket.Received received;
        try {
            received = worker.socket.receive(true);
            if (received != null && !received.endOfStream()) {
                ControlMessage m = ControlMessage.decode(received.data());
                if (m instanceof Park park && received.descriptorsLost()) {
                    // The master is out of descriptors: the session's file (its download, its replies) is lost
                    // on the way, so the session ends; the worker serves on.
                    Session s = sessionReturned(worker, park.sessionId(), park.counters(), now());
                    if (s != null) {
                        closeSession(s, SessionEnd.NO_DESCRIPTOR, null);
                    }
                    workerIdle(worker, now());
                    notifier.changed();
                } else if (m instanceof Park park) {
                    Native.close(received.secondFd()); // a worker hands back one file at most
                    onPark(worker, park, received.fd(), now());
                } else {
                    received.closeDescriptors(); // no other message brings any
                    onWorkerMessage(worker, m, now());
                }
                return;
            }
        } catch (NativeException | IllegalArgumentException e) {
            emit(Level.ERROR, Kind.WORKER, worker + " sent garbage: " + e.getMessage());
            killWorker(worker, "protocol error");
            return;
        }
        if (received != null || (events & (Epoll.HUP | Epoll.ERR)) != 0) {
            workerGone(worker, null);
        }
    }

    private void onWorkerMessage(Worker w, ControlMessage m, long now) {
        if (m instanceof Progress p) {
            countProgress(w, p.counters(), p.running(), p.runningBytes());
            w.lastProgress = now;
            if (p.waiting() && w.state == WorkerState.BUSY) {
                w.state = WorkerState.LINGERING;
                w.lingeringSince = now;
                releaseLingerers();
            } else if (!p.waiting() && w.state == WorkerState.LINGERING) {
                w.state = WorkerState.BUSY;
            }
        } else if (m instanceof Close c) {
            Session s = sessionReturned(w, c.sessionId(), c.counters(), now);
            if (s != null) {
                closeSession(s, c.end(), c.detail(), null);
            }
            workerIdle(w, now);
        } else if (m instanceof Hello) {
            workerReady(w, now);
        } else {
            throw new IllegalArgumentException("unexpected " + m);
        }
        notifier.changed();
    }

    /**
     * A worker handed its session back, still open, with what is left to do: replies and a transfer that wait for
     * the client's socket ({@code file}: the download's, or -1), or commands already read (to the FIFO's end at
     * once), or nothing (parked until the client sends a whole line).
     */
    private void onPark(Worker w, Park p, int file, long now) {
        Session s = sessionReturned(w, p.sessionId(), p.counters(), now);
        if (s == null) {
            Native.close(file);
        } else {
            s.state = p.state();
            s.transferFd = file;
            if (s.midTransfer() && (s.movedSinceHandOff() || s.transferMovedAt == 0)) {
                s.transferMovedAt = now;
            } else if (!s.midTransfer()) {
                s.transferMovedAt = 0;
            }
            if (stopDeadline >= 0) {
                closeSession(s, SessionEnd.SERVER_STOPPING, null);
            } else if (!s.midTransfer() && s.state.hasWholeLine()) {
                dispatch(s); // it has more to do; others may have waited longer
            } else {
                if (!s.midTransfer() && s.state.pending().length > 0 && s.lineSince == 0) {
                    s.lineSince = now;
                }
                debug(Kind.HANDOFF, () -> s + " parked by " + w);
                park(s);
            }
        }
        workerIdle(w, now);
        notifier.changed();
    }

    /** A worker said hello: it serves from now on (a worker retired while it started leaves on the STOP it has). */
    private void workerReady(Worker w, long now) {
        if (w.state != WorkerState.STARTING) {
            return;
        }
        w.state = WorkerState.IDLE;
        w.idleSince = now;
        bootFailures = 0;
        bootErrors = 0;
        emit(Level.INFO, Kind.WORKER, w + " ready in " + (now - w.spawnedAt) + " ms");
        if (stopDeadline >= 0) {
            retire(w);
        } else {
            lifecycle.workerReady(count(x -> x.state == WorkerState.IDLE) + occupiedCount() >= wanted);
            dispatchQueued();
        }
    }

    /** Takes a worker's report: commands done since the last one, bytes moved, the command running now. */
    private void countProgress(Worker w, Counters c, String running, long runningBytes) {
        int done = c.commands();
        w.requests += done;
        requestsServed += done;
        slowCommands += c.slow();
        if (!c.lastCommand().isEmpty()) {
            w.lastCommand = c.lastCommand();
        }
        w.command = running;
        w.commandBytes = runningBytes;
        if (w.session != null) {
            long inBefore = w.session.bytesIn;
            long outBefore = w.session.bytesOut;
            w.session.countBytes(c);
            bytesIn += w.session.bytesIn - inBefore;
            bytesOut += w.session.bytesOut - outBefore;
            if (done > 0) {
                w.session.lastActive = now();
                debug(Kind.COMMAND, () -> w + " served " + done + " command(s) for " + w.session + ", last "
                        + w.lastCommand);
            }
        }
    }

    /** A worker gave its session back (parked or closed): the session, or null if it is no longer open here. */
    private Session sessionReturned(Worker w, long sessionId, Counters counters, long now) {
        countProgress(w, counters, "", 0);
        Session s = w.session;
        w.session = null;
        w.command = "";
        if (s == null || s.id != sessionId || s.closed) {
            return null;
        }
        s.worker = null;
        s.lastActive = now;
        return s;
    }

    /** A worker finished with its session: it serves again, or leaves if it is due to. */
    private void workerIdle(Worker w, long now) {
        if (w.state == WorkerState.STOPPING || stopDeadline >= 0) {
            retire(w);
            return;
        }
        if (w.requestLimit > 0 && w.requests >= w.requestLimit) {
            emit(Level.INFO, Kind.WORKER, w + " served " + w.requests + " commands: recycling");
            retire(w);
            return;
        }
        if (servingCount() > wanted) {
            retire(w);
            return;
        }
        w.state = WorkerState.IDLE;
        w.idleSince = now;
        dispatchQueued();
    }

    /** gunicorn's spawn_worker: a new process in {@code slot}, its end of a fresh socketpair on its fd 3. */
    private void spawnWorker(Worker w) {
        int[] pair;
        try {
            pair = Native.seqpacketPair();
        } catch (NativeException e) {
            backOffSpawning();
            startFailed(w.toString(), "socketpair: " + e.getMessage(), false); // out of descriptors: it passes
            return;
        }
        List<String> argv = new ArrayList<>(config.launcher().command());
        argv.addAll(config.workerOptions(Native.getpid()).toArgs());
        try {
            w.pid = Native.spawn(argv, workerEnvironment, pair[1]);
            Native.setNonBlocking(pair[0], true);
            epoll.add(pair[0], Epoll.IN);
        } catch (NativeException e) {
            Native.close(pair[0]);
            w.pid = 0;
            backOffSpawning();
            startFailed(w.toString(), e.getMessage(), cannotExecute(e));
            return;
        } finally {
            Native.close(pair[1]);
        }
        long now = now();
        w.socket = new MessageSocket(pair[0]);
        workersByFd.put(pair[0], w);
        w.state = WorkerState.STARTING;
        w.spawnedAt = now;
        w.helloDeadline = now + BOOT_TIMEOUT_MILLIS;
        w.requests = 0;
        w.command = "";
        w.lastCommand = "";
        w.killReason = null;
        w.requestLimit = config.maxRequests() == 0 ? 0
                : config.maxRequests() + ThreadLocalRandom.current().nextInt(config.maxRequestsJitter() + 1);
        emit(Level.INFO, Kind.WORKER, "spawned " + w);
        notifier.changed();
    }

    /** gunicorn's manage_workers: as many serving workers as wanted, no more, spawning with back-off. */
    private void manageWorkers(long now) {
        while (servingCount() < wanted && now >= nextSpawnAt) {
            Worker free = null;
            for (Worker w : slots) {
                if (!w.alive()) {
                    free = w;
                    break;
                }
            }
            if (free == null) {
                if (slots.size() >= PoolConfig.MAX_WORKERS) {
                    break;
                }
                free = new Worker(slots.size());
                slots.add(free);
            }
            spawnWorker(free);
            if (!free.alive()) {
                break;
            }
        }
        int excess = servingCount() - wanted;
        for (int i = slots.size() - 1; i >= 0 && excess > 0; i--) {
            Worker w = slots.get(i);
            if (w.state == WorkerState.IDLE || w.state == WorkerState.STARTING) {
                retire(w);
                excess--;
            }
        }
        // Busy surplus workers leave when their session comes back (see workerIdle); free trailing dead slots.
        while (slots.size() > wanted && !slots.get(slots.size() - 1).alive()) {
            slots.remove(slots.size() - 1);
        }
    }

    /**
     * gunicorn's murder_workers: workers that never said hello, and busy workers silent for longer than they may be.
     * A busy worker reports each command's start and end and its progress; between commands it lingers for at most
     * {@code linger} before handing the session back. Silence beyond that plus the request timeout means stuck.
     */
    private void murderWorkers(long now) {
        long requestLimit = config.requestTimeout().toMillis();
        for (Worker w : slots) {
            long silentFor = now - w.lastProgress;
            boolean waiting = w.state == WorkerState.LINGERING || w.command.isEmpty();
            long allowed = requestLimit + (waiting ? config.linger().toMillis() : 0);
            if (w.state == WorkerState.STARTING && now > w.helloDeadline) {
                killWorker(w, "no hello within " + BOOT_TIMEOUT_MILLIS / 1000 + " s");
            } else if (w.occupied() && requestLimit > 0 && silentFor > allowed) {
                killWorker(w, "stuck in " + (w.command.isEmpty() ? "its session" : w.command) + " for "
                        + silentFor + " ms");
            } else if (w.state == WorkerState.STOPPING && stopDeadline < 0 && now - w.lastProgress > requestLimit
                    && w.session == null && requestLimit > 0) {
                killWorker(w, "did not exit when told to");
            }
        }
    }

    /** gunicorn's reap_workers: collect the exit status of processes that ended. */
    private void reapWorkers() {
        if (unreaped.isEmpty()) {
            return;
        }
        long now = now();
        // Copied: a failed start may begin a stop, which ends workers and so adds to the map.
        for (Map.Entry<Integer, Exited> e : new ArrayList<>(unreaped.entrySet())) {
            int pid = e.getKey();
            int status = Native.reap(pid);
            if (status < 0) {
                if (now >= e.getValue().killAt()) {
                    Native.kill(pid, Native.SIGKILL); // it closed its socketpair but lingers: end it
                }
                continue;
            }
            unreaped.remove(pid);
            String reason = e.getValue().reason();
            emit(reason == null ? Level.INFO : Level.WARN, Kind.WORKER, "worker pid " + pid + " exited ("
                    + Native.describeStatus(status) + ")" + (reason == null ? "" : ": " + reason));
            if (e.getValue().booting() && stopDeadline < 0) {
                // An exit status of its own before hello: its JVM or its options are wrong, and will be next time.
                // A signal (an OOM killer, an administrator) or our own kill is a bad moment, not a bad setup.
                boolean exitedByItself = (status & 0x7f) == 0 && (status & 0xff00) != 0 && reason == null;
                startFailed("worker pid " + pid, Native.describeStatus(status) + " before saying hello",
                        exitedByItself);
            }
        }
    }

    /** Asks a worker to leave once its session is back; idle ones leave at once. */
    private void retire(Worker w) {
        if (!w.alive() || w.socket == null) {
            return;
        }
        if (w.state != WorkerState.STOPPING) {
            w.state = WorkerState.STOPPING;
            w.lastProgress = now();
            try {
                w.socket.send(new Stop().encode(), -1);
            } catch (NativeException e) {
                killWorker(w, "could not tell it to stop: " + e.getMessage());
            }
            notifier.changed();
        }
    }

    /** gunicorn's kill_worker: SIGKILL; the socketpair's end of stream then reports it gone. */
    private void killWorker(Worker w, String reason) {
        if (!w.alive()) {
            return;
        }
        w.killReason = reason;
        emit(Level.WARN, Kind.WORKER, "killing " + w + ": " + reason);
        Native.kill(w.pid, Native.SIGKILL);
        workerGone(w, reason);
    }

    /** The worker's socketpair closed (it exited or was killed): clean up its slot and its session. */
    private void workerGone(Worker w, String reason) {
        if (!w.alive()) {
            return;
        }
        boolean booting = w.state == WorkerState.STARTING;
        boolean betweenCommands = w.state == WorkerState.LINGERING && w.command.isEmpty();
        boolean expected = w.state == WorkerState.STOPPING || reason != null;
        if (w.socket != null) {
            epoll.remove(w.socket.fd());
            workersByFd.remove(w.socket.fd());
            w.socket.close();
            w.socket = null;
        }
        unreaped.put(w.pid, new Exited(w.killReason, now() + EXIT_WAIT_MILLIS, booting));
        w.state = WorkerState.DEAD;
        Session s = w.session;
        w.session = null;
        w.command = "";
        if (s != null) {
            s.worker = null;
            // Only a worker waiting for its client's next line has nothing of a reply on the wire. In the middle of
            // a command, it may have written part of a reply or be inside raw bytes (after OK DATA or OK SEND):
            // a line from the master there would be read as data, and a resumed download would come out corrupt.
            // So mid-command the connection just closes; the client reconnects and resumes.
            String why = betweenCommands
                    ? Reply.err(ReplyCode.SERVER_ERROR, "the worker serving this session died; please reconnect")
                    : null;
            closeSession(s, SessionEnd.WORKER_DIED, w + (reason == null ? "" : " (" + reason + ")"), why);
        }
        if (!expected) {
            emit(Level.WARN, Kind.WORKER, w + " died" + (booting ? " while starting" : ""));
        }
        if (booting && stopDeadline < 0) {
            backOffSpawning(); // whether it can ever start, its exit status tells once reaped
        }
        notifier.changed();
        reapWorkers();
    }

    /**
     * A worker could not start (spawning has backed off already). It is tried again for as long as it takes when the
     * cause passes (no descriptors, no memory, a kill); only failures that retrying cannot fix ({@code cannotStart}:
     * its runtime is missing, its JVM or options are wrong) stop the server, once they repeat.
     */
    private void startFailed(String who, String why, boolean cannotStart) {
        if (!cannotStart) {
            emit(Level.ERROR, Kind.WORKER, who + " failed to start: " + why + "; trying again in "
                    + Math.max(0, nextSpawnAt - now()) + " ms");
            return;
        }
        bootErrors++;
        emit(Level.ERROR, Kind.WORKER, who + " failed to start (" + bootErrors + " in a row): " + why);
        if (bootErrors >= MAX_BOOT_FAILURES) {
            fatalError = "workers keep failing to start (" + bootErrors + " in a row); last: " + why;
            emit(Level.ERROR, Kind.SERVER, fatalError);
            beginStop(0);
        }
    }

    private void backOffSpawning() {
        bootFailures++;
        nextSpawnAt = now() + Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(bootFailures - 1, 10));
    }

    /** posix_spawn's errors that say the worker's program cannot be run at all. */
    private static boolean cannotExecute(NativeException e) {
        return e.errno() == Native.ENOENT || e.errno() == Native.EACCES || e.errno() == Native.ENOEXEC;
    }

    void killWorkerByPid(int pid, String reason) {
        for (Worker w : slots) {
            if (w.alive() && w.pid == pid) {
                killWorker(w, reason);
            }
        }
    }

    void recycleWorkerByPid(int pid) {
        for (Worker w : slots) {
            if (w.alive() && w.pid == pid) {
                emit(Level.INFO, Kind.WORKER, "recycling " + w + " on request");
                retire(w);
            }
        }
    }

    void resize(int workers) {
        PoolConfig.requireRange("workers", workers, 1, PoolConfig.MAX_WORKERS);
        if (workers != wanted) {
            emit(Level.INFO, Kind.SERVER, "pool resized from " + wanted + " to " + workers + " workers");
            wanted = workers;
            limitSessions();
            manageWorkers(now());
            notifier.changed();
        }
    }

    private void killAllWorkers(String reason) {
        for (Worker w : slots) {
            killWorker(w, reason);
        }
    }

    // ---------------------------------------------------------------- stopping

    /** Stop accepting; close parked and queued sessions; let commands in flight finish for {@code graceMillis}. */
    void beginStop(long graceMillis) {
        long deadline = now() + graceMillis;
        if (stopDeadline >= 0) {
            stopDeadline = Math.min(stopDeadline, deadline);
            return;
        }
        stopDeadline = deadline;
        emit(Level.INFO, Kind.SERVER, "stopping" + (graceMillis > 0 ? " (grace " + graceMillis + " ms)" : ""));
        stopListening();
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.worker == null) {
                closeSession(s, SessionEnd.SERVER_STOPPING,
                        s.queued ? Reply.err(ReplyCode.BUSY, "server shutting down") : null);
            }
        }
        queue.clear();
        for (Worker w : slots) {
            retire(w);
        }
        notifier.changed();
    }

    private void advanceStop(long now) {
        if (now >= stopDeadline && slots.stream().anyMatch(Worker::alive)) {
            killAllWorkers("grace period over");
        }
        if (!unreaped.isEmpty() && now >= stopDeadline + EXIT_WAIT_MILLIS + 3_000) {
            emit(Level.ERROR, Kind.SERVER, "could not reap " + unreaped.keySet());
            unreaped.clear();
        }
    }

    private void stopListening() {
        if (listening) {
            listening = false;
            epoll.remove(listenerFd);
            closeQuietly(listener);
        }
    }

    private void closeEverything() {
        stopListening();
        for (Session s : new ArrayList<>(sessions.values())) {
            closeSession(s, SessionEnd.SERVER_STOPPED, null);
        }
        for (Worker w : slots) {
            if (w.socket != null) {
                w.socket.close();
            }
        }
        notifier.publish(snapshot());
        reserve.close();
        epoll.close();
        emit(Level.INFO, Kind.SERVER, fatalError == null ? "stopped" : "stopped: " + fatalError);
    }

    // ---------------------------------------------------------------- the scoreboard

    private int count(java.util.function.Predicate<Worker> which) {
        int n = 0;
        for (Worker w : slots) {
            if (which.test(w)) {
                n++;
            }
        }
        return n;
    }

    /** Workers serving a session: running its command or lingering. */
    private int occupiedCount() {
        return count(Worker::occupied);
    }

    /** Workers that count toward the wanted number: alive and not on their way out. */
    private int servingCount() {
        return count(Worker::serving);
    }

    PoolSnapshot snapshot() {
        long now = now();
        List<WorkerInfo> workers = new ArrayList<>(slots.size());
        for (Worker w : slots) {
            Session s = w.session;
            workers.add(new WorkerInfo(w.slot, w.alive() ? w.pid : 0, w.state,
                    w.command.isEmpty() && w.state == WorkerState.LINGERING ? "(waiting)" : w.command,
                    s == null ? "" : s.client(), s == null ? "" : s.state.user(), s == null ? 0 : s.id,
                    w.commandBytes, w.requests, instant(w.spawnedAt), w.rssBytes));
        }
        List<SessionInfo> list = new ArrayList<>(sessions.size());
        for (Session s : sessions.values()) {
            list.add(new SessionInfo(s.id, s.client(), s.state.user(), s.worker != null ? s.worker.pid : s.queued ? -1 : 0,
                    instant(s.acceptedAt), s.bytesIn, s.bytesOut));
        }
        return new PoolSnapshot(instant(startedAt), describe(lifecycle.address()), accepted, queue.size(),
                maxQueued, maxBusy, allBusyCount, requestsServed, rejected, slowCommands, bytesIn, bytesOut, workers,
                list);
    }

    // ---------------------------------------------------------------- small helpers

    private void emit(Level level, Kind kind, String message) {
        notifier.event(new PoolEvent(java.time.Instant.now(), level, kind, message));
    }

    /** Per-connection events: built only when a listener asked for them, as there can be tens of thousands a second. */
    private void debug(Kind kind, java.util.function.Supplier<String> message) {
        if (notifier.wantsDebug()) {
            emit(Level.DEBUG, kind, message.get());
        }
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    /** Converts the loop's monotonic milliseconds to wall-clock time. */
    private static java.time.Instant instant(long monotonicMillis) {
        return java.time.Instant.ofEpochMilli(System.currentTimeMillis() - (now() - monotonicMillis));
    }

    /**
     * Closes a connection after an optional last line. Input the client sent and nobody read is drained first: with
     * unread input, close() sends a reset, and the client might lose the last reply.
     */
    private void sayAndClose(int fd, String lastLine) {
        Native.drainInput(fd, scratch);
        if (lastLine != null) {
            scratch.clear();
            scratch.put(lastLine.getBytes(StandardCharsets.UTF_8)).flip();
            Native.writeBestEffort(fd, scratch);
            scratch.clear();
        }
        Native.close(fd);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    static String describe(InetSocketAddress a) {
        if (a == null) {
            return "?";
        }
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
