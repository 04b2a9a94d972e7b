package io.pooldisk.pool;

import io.pooldisk.control.ControlMessage;
import io.pooldisk.control.ControlMessage.Audit;
import io.pooldisk.control.ControlMessage.Close;
import io.pooldisk.control.ControlMessage.Counters;
import io.pooldisk.control.ControlMessage.Hello;
import io.pooldisk.control.ControlMessage.Park;
import io.pooldisk.control.ControlMessage.Progress;
import io.pooldisk.control.ControlMessage.Release;
import io.pooldisk.control.ControlMessage.Serve;
import io.pooldisk.control.ControlMessage.SessionEnd;
import io.pooldisk.control.SessionState;
import io.pooldisk.control.Tally;
import io.pooldisk.control.Transfer;
import io.pooldisk.pool.PoolEvent.Kind;
import io.pooldisk.pool.PoolEvent.Level;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.Epoll;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.SockaddrBuffer;
import io.pooldisk.unix.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The master: one thread running the seed's epoll loop. It accepts connections and parks them; hands readable
 * sessions to idle workers over their socketpairs; takes them back; and on each tick lets the {@link Supervisor}
 * reconcile the workers running against the workers wanted (spawn, reap, murder, retire). Other threads talk to it
 * only through {@link #submit}, which enqueues and wakes the loop, never by touching its state.
 */
final class Master implements Runnable {

    private static final int TICK_MILLIS = 100;
    /** How long accepting pauses when even the reserve descriptor cannot be had. */
    private static final long ACCEPT_PAUSE_MILLIS = 1_000;
    /** Warnings that can recur with every connection are said at most this often. */
    private static final long WARNING_INTERVAL_MILLIS = 10_000;
    /** What a parked session waits for: its client's input, or room to send what it owes. */
    private static final int AWAIT_INPUT = Epoll.IN | Epoll.RDHUP | Epoll.ONESHOT;

    private static final int AWAIT_ROOM = Epoll.OUT | Epoll.ONESHOT;
    /** The most a parked session may hold of a request line: the longest line and its CRLF. */
    private static final int LINE_LIMIT = RequestLine.MAX_BYTES + 2;
    /** How long a trusted proxy has for the PROXY header it owes at the start of each connection. */
    static final long PROXY_HEADER_MILLIS = 5_000;

    /** Replaced by {@link #reload}; read on the loop thread only. */
    private PoolConfig config;

    private final Epoll epoll;
    private final ServerSocketChannel listener;
    private final int listenerFd;
    private final PoolNotifier notifier;
    private final PoolServer.Lifecycle lifecycle;
    /** The peers whose connections begin with a PROXY v2 header (serve --proxy-from), or null: none, as usual. Replaced
     * by {@link #reload}. */
    private ProxySources proxies;

    private final Supervisor supervisor;
    private final SpawnedProcesses processes;
    private final Map<Integer, Worker> workersByFd = new HashMap<>();
    private final SessionTable sessions = new SessionTable();
    private final Dispatcher dispatcher;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** A direct buffer for peeking at, draining and writing to clients on the master thread. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(16 * 1024);

    private final SockaddrBuffer sockaddr = Sockets.allocateSockaddr();
    private final DescriptorReserve reserve = new DescriptorReserve();
    /** Made at start: with no descriptor left, even loading a class from a directory of classes would fail. */
    private final String outOfDescriptorsReply =
            Reply.err(ReplyCode.BUSY, "the server is out of file descriptors; try again later");

    private final RepeatedWarning acceptFailures = new RepeatedWarning(WARNING_INTERVAL_MILLIS);
    private final RepeatedWarning refusals = new RepeatedWarning(WARNING_INTERVAL_MILLIS);
    /** The most sessions open at once: --max-sessions, or fewer when the descriptor limit would not hold them. */
    private int sessionLimit;
    /** While accepting is paused for want of descriptors: when to try again (monotonic ms); -1 otherwise. */
    private long acceptPausedUntil = -1;

    private final Scoreboard scoreboard = new Scoreboard();
    private final PoolMetrics metrics = new PoolMetrics();
    /** The loop's clock: monotonic milliseconds. */
    private final java.util.function.LongSupplier clock;
    /** The administrator's bans, refused on accept; replaced whole when the list changes ({@link #useBans}). */
    private Bans bans = Bans.NONE;

    private long lastTick;
    private long lastIdleScan;
    private long lastMemoryScan;
    private boolean listening = true;
    /** Set once a stop begins: the time after which live workers are killed. */
    private long stopDeadline = -1;

    private String fatalError;
    private final long startedAt;

    /** {@code clock}: monotonic milliseconds ({@link #systemClock}, or a test's). */
    Master(
            PoolConfig config,
            ServerSocketChannel listener,
            PoolNotifier notifier,
            PoolServer.Lifecycle lifecycle,
            java.util.function.LongSupplier clock)
            throws NativeException {
        this.clock = clock;
        this.startedAt = clock.getAsLong();
        this.config = config;
        this.listener = listener;
        this.listenerFd = Sockets.fdOf(listener);
        this.notifier = notifier;
        this.lifecycle = lifecycle;
        this.processes = new SpawnedProcesses(config);
        this.proxies = config.proxyFrom().isEmpty() ? null : config.proxyFrom();
        this.supervisor = new Supervisor(config, processes, new WorkerHooks(), clock);
        this.dispatcher = new Dispatcher(config, supervisor.slots(), new DispatchHooks(), clock, scoreboard);
        this.epoll = new Epoll(1024);
        epoll.add(listenerFd, Epoll.IN);
        limitSessions();
    }

    /** Keeps sessions within what the descriptor limit holds, with room for the workers and their hand-backs. */
    private void limitSessions() {
        int capacity = DescriptorReserve.sessionCapacity(
                Math.max(supervisor.wanted(), supervisor.slots().size()));
        int limit = Math.min(config.maxSessions(), capacity);
        if (limit < config.maxSessions() && limit != sessionLimit) {
            emit(
                    Level.WARN,
                    Kind.SERVER,
                    "at most " + limit + " sessions at once, not " + config.maxSessions() + ": the open files limit is "
                            + DescriptorReserve.openFileLimit() + " (raise it with ulimit -n)");
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
            supervisor.manage(now());
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
            supervisor.killAll(KillCause.MASTER_FAILURE);
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
        Session session = sessions.byFd(fd);
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
        dispatcher.expire(now);
        if (now - lastIdleScan >= 1000) {
            lastIdleScan = now;
            expireParkedSessions(now);
        }
        supervisor.murder(now);
        supervisor.reap();
        if (stopDeadline >= 0) {
            advanceStop(now);
        } else {
            supervisor.manage(now);
        }
        if (now - lastMemoryScan >= 1000) {
            lastMemoryScan = now;
            for (Worker w : supervisor.slots()) {
                w.rssBytes = w.alive() ? ProcessMemory.residentBytes(w.pid) : 0;
            }
            notifier.changed();
        }
        notifier.maybePublish(this::snapshot);
    }

    private boolean finished() {
        return stopDeadline >= 0 && supervisor.allGone();
    }

    // ---------------------------------------------------------------- connections and sessions

    /**
     * The seed's accept: one connection per readiness event, as nginx does by default (multi_accept off). The
     * listener is level-triggered, so the next wait reports any other waiting connection; accepting until EAGAIN
     * would cost a failing accept4 for nearly every connection.
     */
    private void acceptConnection() {
        Sockets.Accepted connection;
        try {
            connection = Sockets.accept(listenerFd, sockaddr);
        } catch (NativeException e) {
            if (e.outOfDescriptors()) {
                refuseForWantOfDescriptors(e);
            } else {
                acceptFailures.occurred(
                        now(), "accept failed: " + e.getMessage(), m -> emit(Level.WARN, Kind.SERVER, m));
            }
            return;
        }
        if (connection != null) {
            scoreboard.accepted();
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
        acceptFailures.occurred(
                now,
                "out of file descriptors (" + e.getMessage() + "): new connections get ERR 503" + " until some close",
                m -> emit(Level.ERROR, Kind.SERVER, m));
        reserve.release();
        try {
            Sockets.Accepted connection = Sockets.accept(listenerFd, sockaddr);
            if (connection != null) {
                scoreboard.accepted();
                scoreboard.refused();
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

    private void openSession(FileDescriptor fd, String client) {
        if (proxies != null && proxies.covers(client)) {
            awaitProxyHeader(fd, client);
            return;
        }
        long bannedUntil = bans.isEmpty() ? -1 : bans.refusedUntil(client, System.currentTimeMillis());
        if (bannedUntil >= 0) {
            scoreboard.refused();
            sayAndClose(fd, Reply.err(ReplyCode.FORBIDDEN, Bans.refusal(bannedUntil)));
            debug(Kind.SESSION, () -> "refused banned " + client);
            return;
        }
        if (refusedForSessionLimit(fd, client)) {
            return;
        }
        Session session = sessions.open(fd, client, now());
        debug(Kind.SESSION, () -> "accepted " + session);
        notifier.changed();
        // As in the seed, a new connection goes straight to an idle worker (its request line is nearly always on its
        // way), or waits in the FIFO when every worker is busy. Once the FIFO is as long as the pool, newcomers are
        // parked until they send a line: a crowd that connects and says nothing costs epoll registrations, not places
        // in the queue.
        Worker idle = dispatcher.queued() == 0 ? dispatcher.idleWorker() : null;
        if (idle != null) {
            handOff(session, idle, true);
        } else if (dispatcher.queued() < servingCount()) {
            dispatch(session);
        } else {
            park(session);
        }
    }

    private boolean refusedForSessionLimit(FileDescriptor fd, String client) {
        if (sessions.size() < sessionLimit) {
            return false;
        }
        scoreboard.refused();
        sayAndClose(fd, Reply.err(ReplyCode.BUSY, "too many connections (" + sessionLimit + ")"));
        refusals.occurred(
                now(),
                "refused " + client + ": " + sessionLimit + " sessions open",
                m -> emit(Level.WARN, Kind.QUEUE, m));
        return true;
    }

    /**
     * A connection from a trusted proxy: the master reads its PROXY v2 header here, as it comes (as it does a partial
     * request line), within {@link #PROXY_HEADER_MILLIS}; no worker sees the session before the header names its
     * client.
     */
    private void awaitProxyHeader(FileDescriptor fd, String proxy) {
        if (refusedForSessionLimit(fd, proxy)) {
            return;
        }
        Session session = sessions.open(fd, proxy, now());
        session.proxyHeader = new ProxyHeader();
        notifier.changed();
        readProxyHeader(session);
    }

    /**
     * Reads what has come of a session's PROXY header, never a byte beyond it. Once complete, the client it names is
     * the session's client (for bans, login throttling, the sessions list and the log), and the session goes on as
     * any other; a malformed header closes the connection.
     */
    private void readProxyHeader(Session session) {
        ProxyHeader header = session.proxyHeader;
        int n;
        try {
            n = Sockets.receiveNow(session.connection.intValue(), scratch, header.missing(), false);
        } catch (NativeException e) {
            closeSession(session, SessionEnd.CONNECTION_FAILED, e.getMessage(), null);
            return;
        }
        if (n == 0) {
            closeSession(session, SessionEnd.CLIENT_CLOSED, "before the end of its PROXY header", null);
            return;
        }
        if (n < 0) {
            park(session);
            return;
        }
        String client;
        try {
            header.take(scratch, n);
            if (!header.complete()) {
                park(session);
                return;
            }
            client = header.client(session.client());
        } catch (ProxyHeader.MalformedException e) {
            emit(Level.WARN, Kind.SESSION, "closed " + session + " from a trusted proxy: " + e.getMessage());
            closeSession(session, SessionEnd.PROXY_HEADER_BAD, e.getMessage(), null);
            return;
        }
        String proxy = session.client();
        session.proxyHeader = null;
        session.state = SessionState.fresh(client);
        debug(Kind.SESSION, () -> "session " + session.id + " is " + client + " by way of " + proxy);
        notifier.changed();
        long bannedUntil = bans.isEmpty() ? -1 : bans.refusedUntil(client, System.currentTimeMillis());
        if (bannedUntil >= 0) { // the real client, named by the proxy, is banned
            scoreboard.refused();
            closeSession(session, SessionEnd.BANNED, Reply.err(ReplyCode.FORBIDDEN, Bans.refusal(bannedUntil)));
            return;
        }
        takeInput(session);
    }

    /**
     * Watches a session's connection in the master (epoll, one shot) until it has work for a worker again: a whole
     * request line, or the readiness that the replies or transfer it is in the middle of wait for.
     */
    private void park(Session session) {
        int interest = session.state.waitsToSend() ? AWAIT_ROOM : AWAIT_INPUT;
        try {
            if (session.registered) {
                epoll.modify(session.connection.intValue(), interest);
            } else {
                epoll.add(session.connection.intValue(), interest);
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
        if (session.proxyHeader != null) {
            readProxyHeader(session);
        } else if (session.midTransfer()) {
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
                n = Sockets.receiveNow(session.connection.intValue(), scratch, LINE_LIMIT, true);
                if (n > 0 && hasLineEnd(scratch)) {
                    dispatch(session);
                    return;
                }
                if (n > 0) {
                    n = Sockets.receiveNow(session.connection.intValue(), scratch, n, false);
                }
            } else {
                n = Sockets.receiveNow(
                        session.connection.intValue(), scratch, Math.max(1, LINE_LIMIT + 1 - held.length), false);
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
            closeSession(
                    session,
                    SessionEnd.LINE_TOO_LONG,
                    Reply.err(ReplyCode.LINE_TOO_LONG, "request line longer than " + RequestLine.MAX_BYTES + " bytes"));
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
        dispatcher.dispatch(session);
        if (session.queued) {
            debug(Kind.QUEUE, () -> session + " waits for a worker (" + dispatcher.queued() + " queued)");
            notifier.changed();
        }
    }

    /** What the dispatcher has done here: hand-offs over the socketpairs, releases, refusals. */
    private final class DispatchHooks implements Dispatcher.Hooks {
        @Override
        public void handOff(Session session, Worker worker, boolean mayLinger) {
            Master.this.handOff(session, worker, mayLinger);
        }

        @Override
        public void release(Worker worker) {
            try {
                worker.socket.send(new Release(worker.session.id).encode());
            } catch (NativeException e) {
                supervisor.kill(
                        worker, KillCause.UNREACHABLE, "could not ask it to release its session: " + e.getMessage());
            }
        }

        @Override
        public void refuse(Session session, SessionEnd end, String why) {
            scoreboard.refused();
            emit(Level.WARN, Kind.QUEUE, session + ": " + why + ": refused");
            closeSession(session, end, why, Reply.err(ReplyCode.BUSY, "server busy"));
        }
    }

    /**
     * The seed's sendfd: the client's descriptor and the session's state go to the worker in one message, with the
     * file of a download it is in the middle of. {@code mayLinger}: whether the worker may wait for the client;
     * not while other sessions wait for a worker.
     */
    private void handOff(Session session, Worker worker, boolean mayLinger) {
        try {
            worker.socket.send(
                    new Serve(session.id, session.state, mayLinger).encode(), session.connection, session.transferFile);
        } catch (NativeException | IllegalArgumentException e) {
            emit(Level.WARN, Kind.HANDOFF, "hand-off of " + session + " to " + worker + " failed: " + e.getMessage());
            supervisor.gone(worker, "hand-off failed");
            dispatch(session);
            return;
        }
        FileDescriptor.closeIfAny(session.transferFile); // the worker has its own copy, and hands it back if it parks
        session.transferFile = null;
        session.worker = worker;
        session.startHandOff();
        worker.serve(session, now());
        scoreboard.workersServing(occupiedCount());
        debug(Kind.HANDOFF, () -> session + " -> " + worker);
        notifier.changed();
    }

    /**
     * Closes parked sessions that waited too long: for the rest of a request line or for a transfer to move (the
     * request time-out), or for anything at all (the idle time-out).
     */
    private void expireParkedSessions(long now) {
        long idleLimit = config.idleTimeout().toMillis();
        long requestLimit = config.requestTimeout().toMillis();
        for (Session s : sessions.snapshot()) {
            if (s.worker != null || s.queued) {
                continue;
            }
            if (s.proxyHeader != null) {
                if (now - s.acceptedAt >= PROXY_HEADER_MILLIS) {
                    emit(
                            Level.WARN,
                            Kind.SESSION,
                            s + ": no whole PROXY header within " + PROXY_HEADER_MILLIS + " ms: closed");
                    closeSession(s, SessionEnd.PROXY_HEADER_TOO_SLOW, null);
                }
            } else if (requestLimit > 0 && s.lineSince > 0 && now - s.lineSince >= requestLimit) {
                emit(
                        Level.INFO,
                        Kind.SESSION,
                        s + " sent a partial request line for " + (now - s.lineSince) / 1000 + " s: closed");
                closeSession(
                        s,
                        SessionEnd.REQUEST_LINE_TOO_SLOW,
                        Reply.err(
                                ReplyCode.REQUEST_TIMEOUT,
                                "request line not completed within " + requestLimit / 1000 + " s; closing"));
            } else if (requestLimit > 0 && s.midTransfer() && now - s.transferMovedAt >= requestLimit) {
                closeStalledTransfer(s, now - s.transferMovedAt);
            } else if (idleLimit > 0 && now - s.lastActive >= idleLimit) {
                emit(Level.INFO, Kind.SESSION, s + " idle for " + (now - s.lastActive) / 1000 + " s: closed");
                closeSession(
                        s, SessionEnd.IDLE_TIMEOUT, Reply.err(ReplyCode.REQUEST_TIMEOUT, "idle for too long; closing"));
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
        String farewell = t instanceof Transfer.Receiving r
                ? Reply.err(
                        ReplyCode.REQUEST_TIMEOUT,
                        "upload stalled: no "
                                + "bytes for " + stalledMillis / 1000 + " s; the " + r.received()
                                + " bytes received are kept, PUT "
                                + "again to resume")
                : null;
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
        sessions.remove(session);
        FileDescriptor.closeIfAny(session.transferFile);
        session.transferFile = null;
        if (end.connectionGone()) {
            session.connection.close();
        } else {
            sayAndClose(session.connection, farewell);
        }
        if (session.worker != null && session.worker.session == session) {
            session.worker.session = null;
        }
        debug(Kind.SESSION, () -> "closed " + session + ": " + end.describe(detail));
        notifier.changed();
    }

    /** Takes a new ban list: refuses new connections it bans, and closes the open sessions it bans. */
    void useBans(Bans newBans) {
        bans = newBans;
        long now = System.currentTimeMillis();
        for (Session s : sessions.snapshot()) {
            if (newBans.refusedUntil(s.client(), now) >= 0) {
                kickSession(s.id);
            }
        }
    }

    void kickSession(long id) {
        Session s = sessions.byId(id);
        if (s == null) {
            return;
        }
        emit(Level.INFO, Kind.SESSION, "kicked " + s);
        if (s.worker != null) {
            // The worker's copy of the connection still works: shut the socket down so the worker sees the end.
            Sockets.shutdown(s.connection.intValue());
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
                    FileDescriptor.closeIfAny(received.secondFd()); // a worker hands back one file at most
                    onPark(worker, park, received.fd(), now());
                } else {
                    received.closeDescriptors(); // no other message brings any
                    onWorkerMessage(worker, m, now());
                }
                return;
            }
        } catch (NativeException | IllegalArgumentException e) {
            emit(Level.ERROR, Kind.WORKER, worker + " sent garbage: " + e.getMessage());
            supervisor.kill(worker, KillCause.PROTOCOL_ERROR, e.getMessage());
            return;
        }
        if (received != null || (events & (Epoll.HUP | Epoll.ERR)) != 0) {
            supervisor.gone(worker, null);
        }
    }

    private void onWorkerMessage(Worker w, ControlMessage m, long now) {
        if (m instanceof Progress p) {
            countProgress(w, p.counters(), p.running(), p.runningBytes());
            w.lastProgress = now;
            if (w.session != null) {
                w.session.userInWorker = p.user();
            }
            boolean wasLingering = w.state == WorkerState.LINGERING;
            w.waiting(p.waiting(), now);
            if (!wasLingering && w.state == WorkerState.LINGERING) {
                dispatcher.releaseLingerers();
            }
        } else if (m instanceof Close c) {
            Session s = sessionReturned(w, c.sessionId(), c.counters(), now);
            if (s != null) {
                closeSession(s, c.end(), c.detail(), null);
            }
            workerIdle(w, now);
        } else if (m instanceof Hello) {
            workerReady(w, now);
        } else if (m instanceof Audit a) {
            lifecycle.audit(auditRecord(a)); // queued for the audit log's own thread: no disk here
            return;
        } else {
            throw new IllegalArgumentException("unexpected " + m);
        }
        notifier.changed();
    }

    /**
     * A worker handed its session back, still open, with what is left to do: replies and a transfer that wait for
     * the client's socket ({@code file}: the download's, or null), or commands already read (to the FIFO's end at
     * once), or nothing (parked until the client sends a whole line).
     */
    private void onPark(Worker w, Park p, FileDescriptor file, long now) {
        Session s = sessionReturned(w, p.sessionId(), p.counters(), now);
        if (s == null) {
            FileDescriptor.closeIfAny(file);
        } else {
            s.state = p.state();
            s.userInWorker = null;
            s.transferFile = file;
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
        if (supervisor.ready(w, now)) {
            lifecycle.workerReady(
                    supervisor.count(x -> x.state == WorkerState.IDLE) + occupiedCount() >= supervisor.wanted());
            dispatcher.dispatchQueued();
        }
    }

    /** Takes a worker's report: commands done since the last one, bytes moved, the command running now. */
    private void countProgress(Worker w, Counters c, String running, long runningBytes) {
        int done = c.commands();
        w.requests += done;
        scoreboard.commandsDone(done, c.slow());
        if (c.tally() != Tally.NONE) {
            metrics.count(c.tally());
        }
        if (!c.lastCommand().isEmpty()) {
            w.lastCommand = c.lastCommand();
        }
        w.command = running;
        w.commandBytes = runningBytes;
        if (w.session != null) {
            long inBefore = w.session.bytesIn;
            long outBefore = w.session.bytesOut;
            w.session.countBytes(c);
            scoreboard.bytesMoved(w.session.bytesIn - inBefore, w.session.bytesOut - outBefore);
            if (done > 0) {
                w.session.lastActive = now();
                debug(
                        Kind.COMMAND,
                        () -> w + " served " + done + " command(s) for " + w.session + ", last " + w.lastCommand);
            }
        }
    }

    /** A worker's audit message as a record of the audit log ("" and -1 mean absent). */
    static AuditRecord auditRecord(Audit a) {
        AuditRecord.Builder r = AuditRecord.of(a.event())
                .reason(a.reason())
                .user(a.user())
                .address(a.address())
                .path(a.path())
                .sha256(a.sha256())
                .detail(a.detail());
        if (!a.failure().isEmpty()) {
            r.failure(a.failure());
        }
        if (a.bytes() >= 0) {
            r.bytes(a.bytes());
        }
        if (a.durationMs() >= 0) {
            r.durationMs(a.durationMs());
        }
        if (a.event().equals(AuditRecord.BAN)) {
            r.via("login throttle"); // the one ban a worker makes: too many failed logins
        }
        return r.build();
    }

    /** A worker gave its session back (parked or closed): the session, or null if it is no longer open here. */
    private Session sessionReturned(Worker w, long sessionId, Counters counters, long now) {
        countProgress(w, counters, "", 0);
        Session s = w.giveBack();
        if (s == null || s.id != sessionId || s.closed) {
            return null;
        }
        s.worker = null;
        s.lastActive = now;
        return s;
    }

    /** A worker finished with its session: it serves again, or leaves if it is due to. */
    private void workerIdle(Worker w, long now) {
        if (supervisor.idle(w, now)) {
            dispatcher.dispatchQueued();
        }
    }

    /** What a worker's coming and going means here: its socketpair watched, its session ended, the server stopped. */
    private final class WorkerHooks implements Supervisor.Hooks {
        @Override
        public void watch(Worker w) throws NativeException {
            epoll.add(w.socket.fd(), Epoll.IN);
            workersByFd.put(w.socket.fd(), w);
        }

        @Override
        public void unwatch(Worker w) {
            epoll.remove(w.socket.fd());
            workersByFd.remove(w.socket.fd());
        }

        @Override
        public void sessionLost(Worker w, Session s, boolean betweenCommands, String reason) {
            // Only a worker waiting for its client's next line has nothing of a reply on the wire. In the middle of
            // a command, it may have written part of a reply or be inside raw bytes (after OK DATA or OK SEND):
            // a line from the master there would be read as data, and a resumed download would come out corrupt.
            // So mid-command the connection just closes; the client reconnects and resumes.
            String why = betweenCommands
                    ? Reply.err(ReplyCode.SERVER_ERROR, "the worker serving this session died; please reconnect")
                    : null;
            closeSession(s, SessionEnd.WORKER_DIED, w + (reason == null ? "" : " (" + reason + ")"), why);
        }

        @Override
        public void cannotStart(String why) {
            fatalError = why;
            emit(Level.ERROR, Kind.SERVER, fatalError);
            beginStop(0);
        }

        @Override
        public void changed() {
            notifier.changed();
        }

        @Override
        public void event(Level level, Kind kind, String message) {
            emit(level, kind, message);
        }
    }

    void killWorkerByPid(int pid) {
        Worker w = supervisor.byPid(pid);
        if (w != null) {
            supervisor.kill(w, KillCause.ADMINISTRATOR, null);
        }
    }

    void recycleWorkerByPid(int pid) {
        Worker w = supervisor.byPid(pid);
        if (w != null) {
            emit(Level.INFO, Kind.WORKER, "recycling " + w + " on request");
            supervisor.retire(w);
        }
    }

    void resize(int workers) {
        supervisor.resize(workers);
        limitSessions();
    }

    /** One worker more or fewer (SIGTTIN, SIGTTOU), within 1 and {@link PoolConfig#MAX_WORKERS}. */
    void resizeBy(int delta) {
        int to = Math.max(1, Math.min(PoolConfig.MAX_WORKERS, supervisor.wanted() + delta));
        if (to != supervisor.wanted()) {
            resize(to);
        }
    }

    /**
     * Replaces every worker (SIGHUP, as gunicorn does): new ones start at once, and each old one leaves when a new one
     * is ready and its own command is done, handing its session back. No session is lost, and the pool is never
     * short of workers while the new ones boot.
     */
    void replaceWorkers() {
        int outdated = supervisor.replaceAll();
        emit(
                Level.INFO,
                Kind.WORKER,
                "replacing all " + outdated + " workers: new ones start, each old one leaves once a new one is ready"
                        + " and its command is done");
        supervisor.manage(now());
    }

    /**
     * Applies a new configuration (SIGHUP): limits and time-outs from now on, the worker count when it changed, and
     * the workers' own options through replacing every worker, as {@link #replaceWorkers} does. {@code next} keeps
     * the address and data directory in force ({@link PoolServer#reload} sees to it).
     */
    void reload(PoolConfig next) {
        PoolConfig previous = config;
        config = next;
        proxies = next.proxyFrom().isEmpty() ? null : next.proxyFrom();
        supervisor.reconfigure(next);
        dispatcher.reconfigure(next);
        processes.reconfigure(next);
        String changes = PoolConfig.changes(previous, next);
        emit(Level.INFO, Kind.SERVER, "configuration reloaded: " + (changes.isEmpty() ? "nothing changed" : changes));
        // Only a changed count resizes: a reload for something else keeps what SIGTTIN, SIGTTOU or resize set. Growing
        // after the old workers are replaced and shrinking before, no worker is started only to be replaced at once.
        int workers = next.workers() != previous.workers() ? next.workers() : supervisor.wanted();
        if (workers < supervisor.wanted()) {
            resize(workers);
        }
        replaceWorkers();
        if (workers > supervisor.wanted()) {
            resize(workers);
        }
        limitSessions();
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
        for (Session s : sessions.snapshot()) {
            if (s.worker == null) {
                closeSession(
                        s,
                        SessionEnd.SERVER_STOPPING,
                        s.queued ? Reply.err(ReplyCode.BUSY, "server shutting down") : null);
            }
        }
        dispatcher.clear();
        supervisor.stopping();
        for (Worker w : supervisor.slots()) {
            supervisor.retire(w);
        }
        notifier.changed();
    }

    private void advanceStop(long now) {
        if (now >= stopDeadline && supervisor.count(Worker::alive) > 0) {
            supervisor.killAll(KillCause.GRACE_OVER);
        }
        if (now >= stopDeadline + Supervisor.EXIT_WAIT_MILLIS + 3_000) {
            supervisor.abandonUnreaped();
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
        for (Session s : sessions.snapshot()) {
            closeSession(s, SessionEnd.SERVER_STOPPED, null);
        }
        for (Worker w : supervisor.slots()) {
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

    /** Workers serving a session: running its command or lingering. */
    private int occupiedCount() {
        return supervisor.count(Worker::occupied);
    }

    /** Workers that count toward the wanted number: alive and not on their way out. */
    private int servingCount() {
        return supervisor.servingCount();
    }

    /** The totals behind /metrics that the scoreboard does not keep; safe to read from any thread. */
    PoolMetrics metrics() {
        return metrics;
    }

    /** Worker processes the pool keeps running (what --workers or the last resize asked for). */
    int wantedWorkers() {
        return supervisor.wanted();
    }

    PoolSnapshot snapshot() {
        return scoreboard.snapshot(
                instant(startedAt),
                describe(lifecycle.address()),
                dispatcher.queued(),
                supervisor.slots(),
                sessions.all(),
                this::instant);
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

    /** The system's monotonic clock, in milliseconds. */
    static long systemClock() {
        return System.nanoTime() / 1_000_000;
    }

    private long now() {
        return clock.getAsLong();
    }

    /** Converts the loop's monotonic milliseconds to wall-clock time. */
    private java.time.Instant instant(long monotonicMillis) {
        return java.time.Instant.ofEpochMilli(System.currentTimeMillis() - (now() - monotonicMillis));
    }

    /**
     * Closes a connection after an optional last line. Input the client sent and nobody read is drained first: with
     * unread input, close() sends a reset, and the client might lose the last reply.
     */
    private void sayAndClose(FileDescriptor connection, String lastLine) {
        Sockets.drainInput(connection.intValue(), scratch);
        if (lastLine != null) {
            scratch.clear();
            scratch.put(lastLine.getBytes(StandardCharsets.UTF_8)).flip();
            Sockets.writeBestEffort(connection.intValue(), scratch);
            scratch.clear();
        }
        connection.close();
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
