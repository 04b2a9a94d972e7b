package io.pooldisk.pool;

import io.pooldisk.control.ControlMessage.SessionEnd;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Who serves which session next: the idle worker that has waited longest takes a session with work to do, or the
 * session waits its turn in the FIFO (the seed's queue); while sessions wait, lingering workers are asked to hand
 * theirs back. It runs on the master loop; sending to a worker and closing a session are the master's
 * ({@link Hooks}), so that these rules run in tests without sockets or a clock of their own.
 */
final class Dispatcher {

    /** What the master does for the dispatcher. */
    interface Hooks {
        /** Sends {@code session} to {@code worker}; {@code mayLinger}: no other session waits for a worker. */
        void handOff(Session session, Worker worker, boolean mayLinger);

        /** Asks a lingering worker to hand its session back. */
        void release(Worker worker);

        /** Turns a session away (ERR 503): the queue is full, or it waited past the queue time-out. */
        void refuse(Session session, SessionEnd end, String why);
    }

    /** Replaced by {@link #reconfigure} on a reload; read on the master thread only. */
    private PoolConfig config;

    private final List<Worker> slots;
    private final Hooks hooks;
    private final LongSupplier clock;
    private final Scoreboard scoreboard;
    private final ArrayDeque<Session> queue = new ArrayDeque<>();

    Dispatcher(PoolConfig config, List<Worker> slots, Hooks hooks, LongSupplier clock, Scoreboard scoreboard) {
        this.config = config;
        this.slots = slots;
        this.hooks = hooks;
        this.clock = clock;
        this.scoreboard = scoreboard;
    }

    /** The queue's bound and time-out from {@code next} apply from now (sessions waiting keep their place). */
    void reconfigure(PoolConfig next) {
        config = next;
    }

    int queued() {
        return queue.size();
    }

    /** A session with work to do goes to an idle worker, or waits its turn in the FIFO. */
    void dispatch(Session session) {
        Worker idle = queue.isEmpty() ? idleWorker() : null;
        if (idle != null) {
            hooks.handOff(session, idle, true);
            return;
        }
        if (config.maxPending() > 0 && queue.size() >= config.maxPending()) {
            scoreboard.allBusy();
            hooks.refuse(session, SessionEnd.QUEUE_FULL, "queue full (" + config.maxPending() + ")");
            return;
        }
        enqueue(session);
    }

    /** Only called when no worker is idle (an idle worker drains the queue at once), so every call counts. */
    private void enqueue(Session session) {
        scoreboard.allBusy();
        session.queued = true;
        session.queuedAt = clock.getAsLong();
        queue.addLast(session);
        scoreboard.queueLength(queue.size());
        releaseLingerers();
    }

    /** A worker became idle: it takes the session that has waited longest, if any. */
    void dispatchQueued() {
        while (!queue.isEmpty()) {
            Worker idle = idleWorker();
            if (idle == null) {
                return;
            }
            Session next = queue.pollFirst();
            next.queued = false;
            if (!next.closed) {
                hooks.handOff(next, idle, queue.isEmpty());
            }
        }
    }

    /**
     * A worker never keeps a quiet session while another session waits (docs/ARCHITECTURE.md, "A worker never waits on
     * a client"): for each queued session that no release already serves, the worker that has lingered longest is asked
     * to hand its session back. Workers running a command are not asked; they are asked once they report lingering, and
     * those handed a session while others wait do not linger at all.
     */
    void releaseLingerers() {
        int unserved = queue.size();
        for (Worker w : slots) {
            if (w.releaseAsked && w.session != null) {
                unserved--;
            }
        }
        while (unserved > 0) {
            Worker longest = null;
            for (Worker w : slots) {
                if (w.state == WorkerState.LINGERING
                        && !w.releaseAsked
                        && w.session != null
                        && (longest == null || w.lingeringSince < longest.lingeringSince)) {
                    longest = w;
                }
            }
            if (longest == null) {
                return;
            }
            longest.releaseAsked = true;
            unserved--;
            hooks.release(longest);
        }
    }

    /** The idle worker that has waited longest, so sessions visibly travel around the pool; or null. */
    Worker idleWorker() {
        Worker best = null;
        for (Worker w : slots) {
            if (w.state == WorkerState.IDLE && (best == null || w.idleSince < best.idleSince)) {
                best = w;
            }
        }
        return best;
    }

    /** Turns away the sessions at the head of the queue that waited longer than the queue time-out. */
    void expire(long now) {
        long limit = config.queueTimeout().toMillis();
        while (!queue.isEmpty() && (queue.peekFirst().closed || now - queue.peekFirst().queuedAt >= limit)) {
            Session s = queue.pollFirst();
            s.queued = false;
            if (!s.closed) {
                hooks.refuse(s, SessionEnd.QUEUE_TIMEOUT, "waited " + (now - s.queuedAt) + " ms for a worker");
            }
        }
    }

    /** The server stops: nobody waits any more (the master has closed the queued sessions). */
    void clear() {
        queue.clear();
    }
}
