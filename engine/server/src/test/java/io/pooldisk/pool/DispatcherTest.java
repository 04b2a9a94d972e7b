package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.pooldisk.testing.ManualClock;
import io.pooldisk.unix.FileDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who serves which session next, on workers that are records and a clock the test moves: no sockets, no sleeps. */
class DispatcherTest {

    private final FileDescriptor connection = StandInConnection.open();

    @AfterEach
    void closeConnection() {
        connection.close();
    }

    private final ManualClock clock = new ManualClock();
    private final List<Worker> slots = new ArrayList<>();
    private final List<String> said = new ArrayList<>();
    private long nextSession = 1;

    private Dispatcher dispatcher(PoolConfig.Builder config, int workers) {
        for (int i = 0; i < workers; i++) {
            Worker w = new Worker(i);
            w.pid = 100 + i;
            w.state = WorkerState.IDLE;
            w.idleSince = i;
            slots.add(w);
        }
        return new Dispatcher(
                config.dataDir(Path.of("/nonexistent")).build(),
                slots,
                new Dispatcher.Hooks() {
                    @Override
                    public void handOff(Session session, Worker worker, boolean mayLinger) {
                        said.add("session " + session.id + " -> " + worker.pid + (mayLinger ? "" : " (no linger)"));
                        worker.session = session;
                        worker.state = WorkerState.BUSY;
                        session.worker = worker;
                    }

                    @Override
                    public void release(Worker worker) {
                        said.add("release " + worker.pid);
                    }

                    @Override
                    public void refuse(Session session, io.pooldisk.control.ControlMessage.SessionEnd end, String why) {
                        said.add("refuse session " + session.id + ": " + why);
                        session.closed = true;
                    }
                },
                clock::millis,
                new Scoreboard());
    }

    private Session session() {
        return new Session(nextSession++, connection, "127.0.0.1:4000", clock.millis());
    }

    @Test
    void theIdleWorkerThatWaitedLongestTakesTheSession() {
        Dispatcher d = dispatcher(PoolConfig.builder(), 3);
        slots.get(0).idleSince = 50;
        d.dispatch(session());
        d.dispatch(session());
        assertThat(said).containsExactly("session 1 -> 101", "session 2 -> 102");
    }

    @Test
    void withNoIdleWorkerSessionsWaitInOrderAndTheLastToGoMayLinger() {
        Dispatcher d = dispatcher(PoolConfig.builder(), 2);
        d.dispatch(session());
        d.dispatch(session());
        d.dispatch(session());
        d.dispatch(session());
        assertThat(d.queued()).isEqualTo(2);
        for (Worker w : slots) {
            w.session = null;
            w.state = WorkerState.IDLE;
        }
        d.dispatchQueued();
        assertThat(said)
                .containsExactly(
                        "session 1 -> 100", "session 2 -> 101", "session 3 -> 100 (no linger)", "session 4 -> 101");
    }

    @Test
    void eachWaitingSessionReleasesOneLingeringWorkerTheLongestLingeringFirst() {
        Dispatcher d = dispatcher(PoolConfig.builder(), 3);
        for (int i = 0; i < 3; i++) {
            d.dispatch(session());
            slots.get(i).state = WorkerState.LINGERING;
            slots.get(i).lingeringSince = 30 - i * 10; // worker 102 has lingered longest
        }
        said.clear();
        d.dispatch(session());
        d.dispatch(session());
        assertThat(said).containsExactly("release 102", "release 101");
        d.releaseLingerers();
        assertThat(said).as("asked once").hasSize(2);
    }

    @Test
    void pastMaxPendingAndPastTheQueueTimeOutSessionsAreRefused() {
        Dispatcher d = dispatcher(PoolConfig.builder().maxPending(1).queueTimeout(Duration.ofSeconds(5)), 1);
        d.dispatch(session());
        d.dispatch(session());
        d.dispatch(session());
        assertThat(said).containsExactly("session 1 -> 100", "refuse session 3: queue full (1)");
        clock.advance(Duration.ofMillis(4_999));
        d.expire(clock.millis());
        assertThat(d.queued()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        d.expire(clock.millis());
        assertThat(d.queued()).isZero();
        assertThat(said).last().isEqualTo("refuse session 2: waited 5000 ms for a worker");
    }
}
