package io.pooldisk.pool;

import io.pooldisk.control.ControlMessage.Stop;
import io.pooldisk.pool.PoolEvent.Kind;
import io.pooldisk.pool.PoolEvent.Level;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.ProcessControl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The worker slots and the processes in them: gunicorn's arbiter duties (manage_workers, spawn_worker,
 * murder_workers, reap_workers, kill_worker) and the back-off for workers that fail to start. It runs on the master
 * loop; the processes themselves and what a worker's end means for its session are behind {@link Processes} and
 * {@link Hooks}, so that these rules run in tests with a fake process table and a clock the test moves.
 */
final class Supervisor {

    static final int MAX_BOOT_FAILURES = 5;
    static final long BOOT_TIMEOUT_MILLIS = 60_000;
    static final long MAX_BACKOFF_MILLIS = 5_000;
    /** A worker whose socketpair closed gets this long to exit by itself before it is killed. */
    static final long EXIT_WAIT_MILLIS = 2_000;

    /** Worker processes: started, killed and reaped (the real ones: {@link SpawnedProcesses}). */
    interface Processes {
        /** A new worker process; the socket is the master's end of the socketpair on the worker's fd 3. */
        Started start() throws NativeException;

        void kill(int pid);

        /** The process's wait status once it ended, or -1 while it runs. */
        int reap(int pid);

        record Started(int pid, MessageSocket socket) {}
    }

    /** What the master does when a worker comes and goes. */
    interface Hooks {
        /** Watch a new worker's socketpair. */
        void watch(Worker w) throws NativeException;

        /** Stop watching a worker's socketpair, which is about to be closed. */
        void unwatch(Worker w);

        /**
         * The worker ended with {@code session} in hand. {@code betweenCommands}: it was waiting for the client's
         * next line, so nothing of a reply is on the wire and the client may be told.
         */
        void sessionLost(Worker w, Session session, boolean betweenCommands, String reason);

        /** Workers keep failing to start for a reason retrying cannot fix: the server must stop. */
        void cannotStart(String why);

        void changed();

        void event(Level level, Kind kind, String message);
    }

    /** {@code booting}: it ended before saying hello, so its exit status tells whether it can start at all. */
    private record Exited(String reason, long killAt, boolean booting) {}

    /** Replaced by {@link #reconfigure} on a reload; read on the master thread only. */
    private PoolConfig config;

    private final Processes processes;
    private final Hooks hooks;
    private final LongSupplier clock;
    private final List<Worker> slots = new ArrayList<>();
    /** Processes that left their slot but are not reaped yet, with why they were ended (null: they left). */
    private final Map<Integer, Exited> unreaped = new HashMap<>();

    private int wanted;
    /** Workers that failed to start, in a row, for any reason: how long spawning backs off. */
    private int bootFailures;
    /**
     * Of those, the ones that retrying cannot fix (the worker's runtime or options are wrong): they stop the server.
     */
    private int bootErrors;

    private long nextSpawnAt;
    private boolean stopping;
    /**
     * Bumped by {@link #replaceAll}: workers of an older generation are outdated. They serve on until enough workers
     * of the new generation are ready, then leave, so that a replacement never leaves the pool short of workers.
     */
    private int generation;

    Supervisor(PoolConfig config, Processes processes, Hooks hooks, LongSupplier clock) {
        this.config = config;
        this.processes = processes;
        this.hooks = hooks;
        this.clock = clock;
        this.wanted = config.workers();
    }

    List<Worker> slots() {
        return slots;
    }

    /** Time limits and recycling from {@code next} apply from now; workers started from now get its options. */
    void reconfigure(PoolConfig next) {
        config = next;
    }

    int wanted() {
        return wanted;
    }

    int count(Predicate<Worker> which) {
        int n = 0;
        for (Worker w : slots) {
            if (which.test(w)) {
                n++;
            }
        }
        return n;
    }

    /** Workers that count toward the wanted number: alive, not on their way out, and not outdated. */
    int servingCount() {
        return count(w -> w.serving() && !outdated(w));
    }

    /**
     * Replaces every worker (SIGHUP, gunicorn's reload): the new ones start at once, beside the old; each old one is
     * asked to leave when a new one is ready, an idle one first, a busy one once its command is done. Returns how many
     * are to be replaced.
     */
    int replaceAll() {
        generation++;
        int outdated = outdatedCount();
        hooks.changed();
        return outdated;
    }

    /** Outdated workers still serving. */
    private int outdatedCount() {
        return count(w -> w.serving() && outdated(w));
    }

    /** Workers of the current generation that said hello and serve. */
    private int readyCount() {
        return count(w -> w.serving() && !outdated(w) && w.state != WorkerState.STARTING);
    }

    private boolean outdated(Worker w) {
        return w.generation != generation;
    }

    /** No process left, alive or unreaped. */
    boolean allGone() {
        return slots.stream().noneMatch(Worker::alive) && unreaped.isEmpty();
    }

    /** The server stops: no more spawning, and workers that end are no longer failures to start. */
    void stopping() {
        stopping = true;
    }

    /** gunicorn's manage_workers: as many serving workers as wanted, no more, spawning with back-off. */
    void manage(long now) {
        while (servingCount() < wanted && now >= nextSpawnAt && !stopping) {
            Worker free = null;
            for (Worker w : slots) {
                if (!w.alive()) {
                    free = w;
                    break;
                }
            }
            if (free == null) {
                if (slots.size() >= PoolConfig.MAX_WORKERS) {
                    retireOutdated(1); // no slot for a new worker beside the old: one old one makes room
                    break;
                }
                free = new Worker(slots.size());
                slots.add(free);
            }
            spawn(free);
            if (!free.alive()) {
                break;
            }
        }
        // Outdated workers leave as their replacements become ready: ready new ones and old ones together stay at
        // least the number wanted.
        retireOutdated(outdatedCount() + readyCount() - wanted);
        int excess = servingCount() - wanted;
        for (int i = slots.size() - 1; i >= 0 && excess > 0; i--) {
            Worker w = slots.get(i);
            if (!outdated(w) && (w.state == WorkerState.IDLE || w.state == WorkerState.STARTING)) {
                retire(w);
                excess--;
            }
        }
        // Busy surplus workers leave when their session comes back (see idle); free trailing dead slots.
        while (slots.size() > wanted && !slots.get(slots.size() - 1).alive()) {
            slots.remove(slots.size() - 1);
        }
    }

    /** Asks up to {@code n} outdated workers to leave: idle ones first, then busy ones (after their command). */
    private void retireOutdated(int n) {
        for (boolean idleOnes : new boolean[] {true, false}) {
            for (Worker w : slots) {
                if (n <= 0) {
                    return;
                }
                if (w.serving() && outdated(w) && (w.state == WorkerState.IDLE) == idleOnes) {
                    retire(w);
                    n--;
                }
            }
        }
    }

    /** gunicorn's spawn_worker: a new process in {@code slot}. */
    private void spawn(Worker w) {
        Processes.Started started;
        try {
            started = processes.start();
        } catch (NativeException e) {
            backOff();
            startFailed(w.toString(), e.getMessage(), cannotExecute(e));
            return;
        }
        long now = now();
        w.generation = generation;
        w.started(
                started.pid(),
                started.socket(),
                now,
                now + BOOT_TIMEOUT_MILLIS,
                config.maxRequests() == 0
                        ? 0
                        : config.maxRequests() + ThreadLocalRandom.current().nextInt(config.maxRequestsJitter() + 1));
        try {
            hooks.watch(w);
        } catch (NativeException e) {
            processes.kill(w.pid);
            unreaped.put(w.pid, new Exited("could not watch its socketpair", now(), false));
            w.socket.close();
            w.socket = null;
            w.pid = 0;
            w.died();
            backOff();
            startFailed(w.toString(), "epoll: " + e.getMessage(), false);
            return;
        }
        hooks.event(Level.INFO, Kind.WORKER, "spawned " + w);
        hooks.changed();
    }

    /** A worker said hello: true when it now serves (a worker retired while it started leaves on its STOP). */
    boolean ready(Worker w, long now) {
        if (w.state != WorkerState.STARTING) {
            return false;
        }
        w.idle(now);
        bootFailures = 0;
        bootErrors = 0;
        hooks.event(Level.INFO, Kind.WORKER, w + " ready in " + (now - w.spawnedAt) + " ms");
        if (stopping) {
            retire(w);
            return false;
        }
        return true;
    }

    /** A worker finished with its session: true when it serves again, false when it leaves (due to, or too many). */
    boolean idle(Worker w, long now) {
        if (w.state == WorkerState.STOPPING || stopping) {
            retire(w);
            return false;
        }
        if (w.requestLimit > 0 && w.requests >= w.requestLimit) {
            hooks.event(Level.INFO, Kind.WORKER, w + " served " + w.requests + " commands: recycling");
            retire(w);
            return false;
        }
        if (outdated(w) ? outdatedCount() + readyCount() > wanted : servingCount() > wanted) {
            retire(w);
            return false;
        }
        w.idle(now);
        return true;
    }

    /**
     * gunicorn's murder_workers: workers that never said hello, and busy workers silent for longer than they may be.
     * A busy worker reports each command's start and end and its progress; between commands it lingers for at most
     * {@code linger} before handing the session back. Silence beyond that plus the request timeout means stuck.
     */
    void murder(long now) {
        long requestLimit = config.requestTimeout().toMillis();
        for (Worker w : slots) {
            long silentFor = now - w.lastProgress;
            boolean waiting = w.state == WorkerState.LINGERING || w.command.isEmpty();
            long allowed = requestLimit + (waiting ? config.linger().toMillis() : 0);
            if (w.state == WorkerState.STARTING && now > w.helloDeadline) {
                kill(w, KillCause.NO_HELLO, "none within " + BOOT_TIMEOUT_MILLIS / 1000 + " s");
            } else if (w.occupied() && requestLimit > 0 && silentFor > allowed) {
                kill(
                        w,
                        KillCause.STUCK,
                        "in " + (w.command.isEmpty() ? "its session" : w.command) + " for " + silentFor + " ms");
            } else if (w.state == WorkerState.STOPPING
                    && !stopping
                    && now - w.lastProgress > requestLimit
                    && w.session == null
                    && requestLimit > 0) {
                kill(w, KillCause.WOULD_NOT_EXIT, null);
            }
        }
    }

    /** gunicorn's reap_workers: collect the exit status of processes that ended. */
    void reap() {
        if (unreaped.isEmpty()) {
            return;
        }
        long now = now();
        // Copied: a failed start may begin a stop, which ends workers and so adds to the map.
        for (Map.Entry<Integer, Exited> e : new ArrayList<>(unreaped.entrySet())) {
            int pid = e.getKey();
            int status = processes.reap(pid);
            if (status < 0) {
                if (now >= e.getValue().killAt()) {
                    processes.kill(pid); // it closed its socketpair but lingers: end it
                }
                continue;
            }
            unreaped.remove(pid);
            String reason = e.getValue().reason();
            hooks.event(
                    reason == null ? Level.INFO : Level.WARN,
                    Kind.WORKER,
                    "worker pid " + pid + " exited (" + ProcessControl.describeStatus(status) + ")"
                            + (reason == null ? "" : ": " + reason));
            if (e.getValue().booting() && !stopping) {
                // An exit status of its own before hello: its JVM or its options are wrong, and will be next time.
                // A signal (an OOM killer, an administrator) or our own kill is a bad moment, not a bad setup.
                boolean exitedByItself = (status & 0x7f) == 0 && (status & 0xff00) != 0 && reason == null;
                startFailed(
                        "worker pid " + pid,
                        ProcessControl.describeStatus(status) + " before saying hello",
                        exitedByItself);
            }
        }
    }

    /** After the stop's grace and wait: processes that could not be reaped are given up on. */
    void abandonUnreaped() {
        if (!unreaped.isEmpty()) {
            hooks.event(Level.ERROR, Kind.SERVER, "could not reap " + unreaped.keySet());
            unreaped.clear();
        }
    }

    /** Asks a worker to leave once its session is back; idle ones leave at once. */
    void retire(Worker w) {
        if (!w.alive() || w.socket == null) {
            return;
        }
        if (w.state != WorkerState.STOPPING) {
            w.stopping(now());
            try {
                w.socket.send(new Stop().encode());
            } catch (NativeException e) {
                kill(w, KillCause.UNREACHABLE, "could not tell it to stop: " + e.getMessage());
            }
            hooks.changed();
        }
    }

    /** gunicorn's kill_worker: SIGKILL; its slot and its session are cleaned up at once. */
    void kill(Worker w, KillCause cause, String detail) {
        if (!w.alive()) {
            return;
        }
        String reason = cause.describe(detail);
        hooks.event(Level.WARN, Kind.WORKER, "killing " + w + ": " + reason);
        processes.kill(w.pid);
        gone(w, reason);
    }

    void killAll(KillCause cause) {
        for (Worker w : slots) {
            kill(w, cause, null);
        }
    }

    /** The worker's socketpair closed (it exited, or was killed: {@code reason}): its slot and session are freed. */
    void gone(Worker w, String reason) {
        if (!w.alive()) {
            return;
        }
        boolean booting = w.state == WorkerState.STARTING;
        boolean betweenCommands = w.state == WorkerState.LINGERING && w.command.isEmpty();
        boolean expected = w.state == WorkerState.STOPPING || reason != null;
        if (w.socket != null) {
            hooks.unwatch(w);
            w.socket.close();
            w.socket = null;
        }
        unreaped.put(w.pid, new Exited(reason, now() + EXIT_WAIT_MILLIS, booting));
        w.died();
        Session s = w.giveBack();
        if (s != null) {
            s.worker = null;
            hooks.sessionLost(w, s, betweenCommands, reason);
        }
        if (!expected) {
            hooks.event(Level.WARN, Kind.WORKER, w + " died" + (booting ? " while starting" : ""));
        }
        if (booting && !stopping) {
            backOff(); // whether it can ever start, its exit status tells once reaped
        }
        hooks.changed();
        reap();
    }

    void resize(int workers) {
        PoolConfig.requireRange("workers", workers, 1, PoolConfig.MAX_WORKERS);
        if (workers != wanted) {
            hooks.event(
                    Level.INFO,
                    Kind.SERVER,
                    "pool resized from " + wanted + " to " + workers + (workers == 1 ? " worker" : " workers"));
            wanted = workers;
            manage(now());
            hooks.changed();
        }
    }

    /** The alive worker with this process id, or null. */
    Worker byPid(int pid) {
        for (Worker w : slots) {
            if (w.alive() && w.pid == pid) {
                return w;
            }
        }
        return null;
    }

    /**
     * A worker could not start (spawning has backed off already). It is tried again for as long as it takes when the
     * cause passes (no descriptors, no memory, a kill); only failures that retrying cannot fix ({@code cannotStart}:
     * its runtime is missing, its JVM or options are wrong) stop the server, once they repeat.
     */
    private void startFailed(String who, String why, boolean cannotStart) {
        if (!cannotStart) {
            hooks.event(
                    Level.ERROR,
                    Kind.WORKER,
                    who + " failed to start: " + why + "; trying again in " + Math.max(0, nextSpawnAt - now()) + " ms");
            return;
        }
        bootErrors++;
        hooks.event(Level.ERROR, Kind.WORKER, who + " failed to start (" + bootErrors + " in a row): " + why);
        if (bootErrors >= MAX_BOOT_FAILURES) {
            hooks.cannotStart("workers keep failing to start (" + bootErrors + " in a row); last: " + why);
        }
    }

    private void backOff() {
        bootFailures++;
        nextSpawnAt = now() + Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(bootFailures - 1, 10));
    }

    /** The earliest time (monotonic ms) the next worker may be spawned. */
    long nextSpawnAt() {
        return nextSpawnAt;
    }

    /** posix_spawn's errors that say the worker's program cannot be run at all. */
    private static boolean cannotExecute(NativeException e) {
        return e.errno() == Errors.ENOENT || e.errno() == Errors.EACCES || e.errno() == Errors.ENOEXEC;
    }

    private long now() {
        return clock.getAsLong();
    }
}
