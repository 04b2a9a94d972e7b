package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.control.ControlMessage;
import io.pooldisk.control.ControlMessage.Stop;
import io.pooldisk.pool.PoolEvent.Kind;
import io.pooldisk.pool.PoolEvent.Level;
import io.pooldisk.testing.ManualClock;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.Sockets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The supervision rules (spawn, back-off, boot errors, murder, reap, retire, resize) against a fake process table
 * and a clock the test moves: no worker JVMs, no sleeps. The socketpairs are real, so a STOP is really sent.
 */
class SupervisorTest {

    private final FileDescriptor connection = StandInConnection.open();

    private static final int SIGKILLED = 9;
    private static final int EXIT_1 = 1 << 8;

    private final ManualClock clock = new ManualClock();
    private final FakeProcesses processes = new FakeProcesses();
    private final RecordingHooks hooks = new RecordingHooks();
    private Supervisor supervisor;

    @AfterEach
    void closeSockets() {
        processes.close();
        connection.close();
    }

    private Supervisor supervisor(PoolConfig.Builder config) {
        supervisor = new Supervisor(config.dataDir(Path.of("/nonexistent")).build(), processes, hooks, clock::millis);
        return supervisor;
    }

    private long now() {
        return clock.millis();
    }

    private Worker only() {
        return supervisor.slots().get(0);
    }

    @Test
    void theWantedWorkersStartAndServeOnceTheySayHello() {
        supervisor(PoolConfig.builder().workers(3)).manage(now());
        assertThat(supervisor.slots()).hasSize(3).allMatch(w -> w.state == WorkerState.STARTING);
        assertThat(processes.started).hasSize(3).doesNotHaveDuplicates();
        for (Worker w : supervisor.slots()) {
            assertThat(supervisor.ready(w, now())).isTrue();
        }
        assertThat(supervisor.count(w -> w.state == WorkerState.IDLE)).isEqualTo(3);
        supervisor.manage(now());
        assertThat(processes.started).hasSize(3);
    }

    @Test
    void workersKilledBeforeTheirHelloAreStartedAgainWithBackOffForever() {
        supervisor(PoolConfig.builder().workers(1)).manage(now());
        List<Long> backOffs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Worker w = only();
            processes.exit(w.pid, SIGKILLED); // as an OOM killer would
            supervisor.gone(w, null);
            backOffs.add(supervisor.nextSpawnAt() - now());
            supervisor.manage(now());
            assertThat(only().alive()).as("not before the back-off").isFalse();
            clock.advance(Duration.ofMillis(supervisor.nextSpawnAt() - now()));
            supervisor.manage(now());
            assertThat(only().state).isEqualTo(WorkerState.STARTING);
        }
        assertThat(backOffs).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L, 5000L);
        assertThat(hooks.cannotStart).isEmpty();
        assertThat(supervisor.ready(only(), now())).isTrue();
        processes.exit(only().pid, SIGKILLED);
        supervisor.gone(only(), null);
        assertThat(supervisor.nextSpawnAt() - now())
                .as("a hello ends the back-off")
                .isEqualTo(0);
    }

    @Test
    void workersThatExitWithAnErrorBeforeTheirHelloStopTheServerTheFifthTime() {
        supervisor(PoolConfig.builder().workers(1)).manage(now());
        for (int i = 0; i < Supervisor.MAX_BOOT_FAILURES; i++) {
            assertThat(hooks.cannotStart).isEmpty();
            processes.exit(only().pid, EXIT_1);
            supervisor.gone(only(), null);
            clock.advance(Duration.ofMillis(Supervisor.MAX_BACKOFF_MILLIS));
            supervisor.manage(now());
        }
        assertThat(hooks.cannotStart)
                .containsExactly("workers keep failing to start (5 in a row); last: exit 1 before saying hello");
    }

    @Test
    void aProgramThatCannotBeExecutedStopsTheServerButNoDescriptorsIsRetried() {
        supervisor(PoolConfig.builder().workers(1));
        processes.failWith = Errors.EMFILE;
        for (int i = 0; i < 20; i++) {
            supervisor.manage(now());
            clock.advance(Duration.ofMillis(Supervisor.MAX_BACKOFF_MILLIS));
        }
        assertThat(hooks.cannotStart).isEmpty();
        processes.failWith = Errors.ENOENT;
        for (int i = 0; i < Supervisor.MAX_BOOT_FAILURES; i++) {
            supervisor.manage(now());
            clock.advance(Duration.ofMillis(Supervisor.MAX_BACKOFF_MILLIS));
        }
        assertThat(hooks.cannotStart)
                .singleElement()
                .asString()
                .startsWith("workers keep failing to start (5 in a row)");
    }

    @Test
    void aWorkerThatNeverSaysHelloIsKilledAfterTheBootTimeOut() {
        supervisor(PoolConfig.builder().workers(1)).manage(now());
        int pid = only().pid;
        clock.advance(Duration.ofMillis(Supervisor.BOOT_TIMEOUT_MILLIS));
        supervisor.murder(now());
        assertThat(processes.killed).isEmpty();
        clock.advance(Duration.ofMillis(1));
        supervisor.murder(now());
        assertThat(processes.killed).containsExactly(pid);
        assertThat(hooks.said(Level.WARN)).anyMatch(m -> m.contains("no hello: none within 60 s"));
    }

    @Test
    void aCommandSilentPastTheRequestTimeOutIsStuckAndItsSessionEndsWithoutALine() {
        supervisor(PoolConfig.builder()
                        .workers(1)
                        .requestTimeout(Duration.ofSeconds(10))
                        .linger(Duration.ofSeconds(30)))
                .manage(now());
        Worker w = only();
        supervisor.ready(w, now());
        Session session = serve(w, "LIST /");
        clock.advance(Duration.ofSeconds(10));
        supervisor.murder(now());
        assertThat(w.alive()).isTrue();
        clock.advance(Duration.ofMillis(1));
        supervisor.murder(now());
        assertThat(w.alive()).isFalse();
        assertThat(processes.killed).containsExactly(w.pid);
        assertThat(hooks.lost).containsExactly(session.id + " mid-command: stuck: in LIST / for 10001 ms");
    }

    @Test
    void aWorkerWaitingForItsClientHasTheLingerOnTopAndItsClientIsTold() {
        supervisor(PoolConfig.builder()
                        .workers(1)
                        .requestTimeout(Duration.ofSeconds(10))
                        .linger(Duration.ofSeconds(30)))
                .manage(now());
        Worker w = only();
        supervisor.ready(w, now());
        Session session = serve(w, "");
        w.state = WorkerState.LINGERING;
        clock.advance(Duration.ofSeconds(40));
        supervisor.murder(now());
        assertThat(w.alive()).isTrue();
        clock.advance(Duration.ofMillis(1));
        supervisor.murder(now());
        assertThat(hooks.lost).containsExactly(session.id + " between commands: stuck: in its session for 40001 ms");
    }

    @Test
    void resizingDownRetiresIdleWorkersWithAStopAndLeavesTheBusyOneServing() throws Exception {
        supervisor(PoolConfig.builder().workers(3)).manage(now());
        for (Worker w : supervisor.slots()) {
            supervisor.ready(w, now());
        }
        Worker busy = supervisor.slots().get(2);
        serve(busy, "GET /big");
        supervisor.resize(1);
        for (Worker idle : supervisor.slots().subList(0, 2)) {
            assertThat(idle.state).isEqualTo(WorkerState.STOPPING);
            assertThat(processes.received(idle.pid)).isInstanceOf(Stop.class);
        }
        assertThat(busy.state).isEqualTo(WorkerState.BUSY);
        busy.session = null;
        assertThat(supervisor.idle(busy, now()))
                .as("the one wanted: it serves on")
                .isTrue();
        supervisor.resize(2);
        assertThat(supervisor.servingCount()).isEqualTo(2);
        assertThat(processes.started).hasSize(4);
    }

    @Test
    void replacingAllWorkersKeepsTheOldOnesServingUntilTheirReplacementsAreReady() throws Exception {
        supervisor(PoolConfig.builder().workers(2)).manage(now());
        List<Worker> old = List.copyOf(supervisor.slots());
        old.forEach(w -> supervisor.ready(w, now()));
        serve(old.get(1), "GET /big");

        assertThat(supervisor.replaceAll()).isEqualTo(2);
        supervisor.manage(now());
        assertThat(processes.started).as("two new workers beside the two old").hasSize(4);
        assertThat(old).allMatch(w -> w.state != WorkerState.STOPPING);

        List<Worker> fresh = supervisor.slots().subList(2, 4);
        supervisor.ready(fresh.get(0), now());
        supervisor.manage(now());
        assertThat(old.get(0).state).as("the idle old one leaves first").isEqualTo(WorkerState.STOPPING);
        assertThat(processes.received(old.get(0).pid)).isInstanceOf(Stop.class);
        assertThat(old.get(1).state)
                .as("one new one is ready: the busy old one serves on")
                .isEqualTo(WorkerState.BUSY);

        supervisor.ready(fresh.get(1), now());
        supervisor.manage(now());
        assertThat(processes.received(old.get(1).pid))
                .as("both new ones are ready: the busy old one is told to leave after its command")
                .isInstanceOf(Stop.class);
        assertThat(processes.killed).isEmpty();
        assertThat(supervisor.servingCount()).isEqualTo(2);
    }

    @Test
    void aWorkerThatServedItsRequestsIsRecycledWhenItsSessionIsBack() {
        supervisor(PoolConfig.builder().workers(1).maxRequests(100).maxRequestsJitter(0))
                .manage(now());
        Worker w = only();
        supervisor.ready(w, now());
        w.requests = 99;
        assertThat(supervisor.idle(w, now())).isTrue();
        w.requests = 100;
        assertThat(supervisor.idle(w, now())).isFalse();
        assertThat(w.state).isEqualTo(WorkerState.STOPPING);
        processes.exit(w.pid, 0);
        supervisor.gone(w, null);
        supervisor.manage(now());
        assertThat(only().state).as("replaced at once: leaving is no failure").isEqualTo(WorkerState.STARTING);
    }

    /** Gives {@code w} a session, running {@code command} ("" between commands). */
    private Session serve(Worker w, String command) {
        Session s = new Session(w.slot + 1L, connection, "127.0.0.1:4000", now());
        w.session = s;
        s.worker = w;
        w.state = WorkerState.BUSY;
        w.command = command;
        w.lastProgress = now();
        return s;
    }

    /** Worker processes that are pids and real socketpairs, ending when the test says. */
    private static final class FakeProcesses implements Supervisor.Processes {
        final List<Integer> started = new ArrayList<>();
        final List<Integer> killed = new ArrayList<>();
        final Map<Integer, Integer> exitStatus = new HashMap<>();
        final Map<Integer, MessageSocket> workerEnds = new HashMap<>();
        int failWith;
        private int nextPid = 40_000;

        @Override
        public Started start() throws NativeException {
            if (failWith != 0) {
                throw new NativeException("posix_spawnp", failWith);
            }
            FileDescriptor[] pair = Sockets.seqpacketPair();
            int pid = nextPid++;
            started.add(pid);
            workerEnds.put(pid, new MessageSocket(pair[1]));
            return new Started(pid, new MessageSocket(pair[0]));
        }

        @Override
        public void kill(int pid) {
            killed.add(pid);
            exitStatus.putIfAbsent(pid, SIGKILLED);
        }

        @Override
        public int reap(int pid) {
            return exitStatus.getOrDefault(pid, -1);
        }

        void exit(int pid, int status) {
            exitStatus.put(pid, status);
        }

        ControlMessage received(int pid) throws NativeException {
            return ControlMessage.decode(workerEnds.get(pid).receive(true).data());
        }

        void close() {
            workerEnds.values().forEach(MessageSocket::close);
        }
    }

    /** What the supervisor asked of the master. */
    private static final class RecordingHooks implements Supervisor.Hooks {
        final List<String> cannotStart = new ArrayList<>();
        final List<String> lost = new ArrayList<>();
        final List<PoolEvent> events = new ArrayList<>();

        @Override
        public void watch(Worker w) {}

        @Override
        public void unwatch(Worker w) {}

        @Override
        public void sessionLost(Worker w, Session session, boolean betweenCommands, String reason) {
            lost.add(session.id + (betweenCommands ? " between commands: " : " mid-command: ") + reason);
        }

        @Override
        public void cannotStart(String why) {
            cannotStart.add(why);
        }

        @Override
        public void changed() {}

        @Override
        public void event(Level level, Kind kind, String message) {
            events.add(new PoolEvent(java.time.Instant.EPOCH, level, kind, message));
        }

        List<String> said(Level level) {
            return events.stream()
                    .filter(e -> e.level() == level)
                    .map(PoolEvent::message)
                    .toList();
        }
    }
}
