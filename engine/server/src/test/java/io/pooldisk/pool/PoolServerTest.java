package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pooldisk.auth.Accounts;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.Procfs;
import io.pooldisk.testing.TestServers;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool against real worker processes and real sockets. */
class PoolServerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path data;

    private PoolServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            assertThat(server.isRunning()).isFalse();
        }
    }

    private PoolServer start(PoolConfig.Builder config) throws PoolStartException {
        server = PoolServer.start(config.build());
        return server;
    }

    private Set<Integer> workerPids() {
        return server.snapshot().workers().stream()
                .filter(w -> w.state() != WorkerState.DEAD)
                .map(WorkerInfo::pid)
                .collect(Collectors.toSet());
    }

    @Test
    void echoNamesALiveWorkerOfThisServer() throws Exception {
        start(TestServers.config(data, 3));
        assertThat(server.snapshot().idle()).isEqualTo(3);
        try (LineClient client = new LineClient(server.address())) {
            String reply = client.request("ECHO hello, 进程池 pool");
            assertThat(reply).matches("OK PROCESS\\[PID \\d+]: HELLO, 进程池 POOL");
            int pid = LineClient.pidOf(reply);
            assertThat(workerPids()).contains(pid);
            assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(Procfs.alive(pid)).isTrue();
            assertThat(client.request("QUIT")).isEqualTo("OK bye");
            assertThat(client.readLine()).isNull();
        }
    }

    @Test
    void badRequestsGetErrorsAndTheSessionGoesOn() throws Exception {
        start(TestServers.config(data, 1));
        try (LineClient client = new LineClient(server.address())) {
            assertThat(client.request("FROB x")).startsWith("ERR 400 unknown command 'FROB'");
            assertThat(client.request("")).startsWith("ERR 400 ");
            client.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, '\r', '\n'});
            assertThat(client.readLine()).isEqualTo("ERR 400 request line is not valid UTF-8");
            assertThat(client.request("echo crlf works\r")).endsWith(": CRLF WORKS");
        }
    }

    @Test
    void aLineOverEightKibibytesIsRefusedAndTheConnectionClosed() throws Exception {
        start(TestServers.config(data, 1));
        try (LineClient client = new LineClient(server.address())) {
            assertThat(client.request("ECHO " + "x".repeat(8192 - 5))).endsWith("X".repeat(100));
            client.send("ECHO " + "y".repeat(9000));
            assertThat(client.readLine()).startsWith("ERR 413 ");
            assertThat(client.readLine()).isNull();
        }
        try (LineClient client = new LineClient(server.address())) {
            assertThat(client.request("ECHO still serving")).endsWith("STILL SERVING");
        }
    }

    @Test
    void aKilledWorkerIsReplacedAndThePoolIsWholeAgain() throws Exception {
        start(TestServers.config(data, 2));
        int victim;
        try (LineClient client = new LineClient(server.address())) {
            victim = LineClient.pidOf(client.request("ECHO who"));
        }
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        await().atMost(PATIENCE).until(() -> {
            PoolSnapshot s = server.snapshot();
            return s.idle() == 2 && !workerPids().contains(victim);
        });
        assertThat(Procfs.alive(victim)).isFalse();
        assertThat(workerPids()).hasSize(2).allMatch(Procfs::alive);
        try (LineClient client = new LineClient(server.address())) {
            assertThat(workerPids()).contains(LineClient.pidOf(client.request("ECHO again")));
        }
    }

    @Test
    void aWorkerKilledMidSessionTellsItsClient() throws Exception {
        start(TestServers.config(data, 1).linger(Duration.ofSeconds(30)));
        try (LineClient client = new LineClient(server.address())) {
            int pid = LineClient.pidOf(client.request("ECHO hold"));
            await().atMost(PATIENCE).until(() -> server.snapshot().lingering() == 1);
            server.killWorker(pid);
            assertThat(client.readLine()).startsWith("ERR 500 ");
            assertThat(client.readLine()).isNull();
        }
        await().atMost(PATIENCE).until(() -> server.snapshot().idle() == 1);
    }

    @Test
    void afterAThousandConnectionsNoDescriptorIsLeftAndNoWorkerHoldsTheListener() throws Exception {
        start(TestServers.config(data, 2).linger(Duration.ofMillis(5)));
        long self = ProcessHandle.current().pid();
        try (LineClient warmUp = new LineClient(server.address())) {
            warmUp.request("ECHO warm up");
        }
        await().atMost(PATIENCE).until(() -> server.snapshot().sessions().isEmpty());
        int before = Procfs.openFdCount(self);
        for (int i = 0; i < 1000; i++) {
            try (LineClient client = new LineClient(server.address())) {
                assertThat(client.request("ECHO " + i)).endsWith(": " + i);
            }
        }
        await().atMost(PATIENCE).until(() -> server.snapshot().sessions().isEmpty());
        await().atMost(PATIENCE).until(() -> Procfs.openFdCount(self) <= before);
        assertThat(server.snapshot().accepted()).isEqualTo(1001);
        String listener = Procfs.listeningSocket(server.address().getPort());
        assertThat(Procfs.fdTargets(self)).contains(listener);
        Set<String> tcp = Procfs.tcpSockets();
        for (int pid : workerPids()) {
            List<String> targets = Procfs.fdTargets(pid);
            assertThat(targets).doesNotContain(listener);
            assertThat(targets).as("TCP sockets held by idle worker " + pid).noneMatch(tcp::contains);
        }
    }

    /**
     * Freezes the only worker (SIGSTOP) while it lingers on {@code holder}'s session: a worker that cannot answer,
     * as a stuck command would be, so that other sessions really must wait. Returns its pid (SIGCONT resumes it).
     */
    private int freezeTheWorkerOf(LineClient holder) throws Exception {
        int pid = LineClient.pidOf(holder.request("ECHO keep the only worker"));
        await().atMost(PATIENCE).until(() -> server.snapshot().lingering() == 1);
        io.pooldisk.unix.ProcessControl.kill(pid, 19); // SIGSTOP
        return pid;
    }

    @Test
    void aFullQueueAnswersServerBusy() throws Exception {
        start(TestServers.config(data, 1)
                .linger(Duration.ofSeconds(30))
                .maxPending(1)
                .queueTimeout(Duration.ofSeconds(30)));
        try (LineClient holder = new LineClient(server.address())) {
            int pid = freezeTheWorkerOf(holder);
            LineClient waiting = new LineClient(server.address());
            LineClient refused = new LineClient(server.address());
            waiting.send("ECHO wait");
            await().atMost(PATIENCE).until(() -> server.snapshot().queuedNow() == 1);
            assertThat(refused.request("ECHO no room")).isEqualTo("ERR 503 server busy");
            assertThat(refused.readLine()).isNull();
            io.pooldisk.unix.ProcessControl.kill(
                    pid, 18); // SIGCONT: it takes the release and serves the waiting session
            assertThat(waiting.readLine()).isEqualTo("OK PROCESS[PID " + pid + "]: WAIT");
            waiting.close();
            refused.close();
        }
        PoolSnapshot s = server.snapshot();
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.maxQueued()).isEqualTo(1);
        assertThat(s.allBusyCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSessionWaitingPastTheQueueTimeoutAnswersServerBusy() throws Exception {
        start(TestServers.config(data, 1).linger(Duration.ofSeconds(30)).queueTimeout(Duration.ofMillis(300)));
        try (LineClient holder = new LineClient(server.address())) {
            int pid = freezeTheWorkerOf(holder);
            try (LineClient waiting = new LineClient(server.address())) {
                assertThat(waiting.request("ECHO wait")).isEqualTo("ERR 503 server busy");
            }
            io.pooldisk.unix.ProcessControl.kill(pid, 18);
            assertThat(holder.request("ECHO still here")).endsWith(": STILL HERE");
        }
    }

    @Test
    void aLingeringWorkerHandsItsQuietSessionBackAtOnceWhenAnotherSessionHasACommand() throws Exception {
        start(TestServers.config(data, 1).linger(Duration.ofSeconds(30)));
        try (LineClient quiet = new LineClient(server.address());
                LineClient other = new LineClient(server.address())) {
            int pid = LineClient.pidOf(quiet.request("ECHO then nothing"));
            await().atMost(PATIENCE).until(() -> server.snapshot().lingering() == 1);
            long started = System.nanoTime();
            assertThat(other.request("ECHO me too")).isEqualTo("OK PROCESS[PID " + pid + "]: ME TOO");
            // Far sooner than the 30 s linger: the worker left the quiet session as soon as the master asked.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(server.snapshot().sessions())
                    .anyMatch(s -> s.client().endsWith(":" + quiet.localPort()) && s.workerPid() == 0);
            assertThat(quiet.request("ECHO back")).isEqualTo("OK PROCESS[PID " + pid + "]: BACK");
        }
    }

    @Test
    void twoHundredParkedSessionsShareTwoWorkers() throws Exception {
        start(TestServers.config(data, 2).linger(Duration.ofMillis(5)));
        List<LineClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                LineClient c = new LineClient(server.address());
                clients.add(c);
                assertThat(c.request("ECHO first " + i)).endsWith("FIRST " + i);
            }
            await().atMost(PATIENCE)
                    .until(() -> server.snapshot().sessions().stream()
                                    .filter(s -> s.workerPid() == 0)
                                    .count()
                            == 200);
            assertThat(server.snapshot().idle()).isEqualTo(2);
            Set<Integer> servedBy = new java.util.HashSet<>();
            for (int i = clients.size() - 1; i >= 0; i--) {
                String reply = clients.get(i).request("ECHO again " + i);
                assertThat(reply).endsWith("AGAIN " + i);
                servedBy.add(LineClient.pidOf(reply));
            }
            assertThat(workerPids()).containsAll(servedBy);
        } finally {
            for (LineClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void resizingChangesTheNumberOfWorkers() throws Exception {
        start(TestServers.config(data, 2));
        server.resize(4);
        await().atMost(PATIENCE).until(() -> server.snapshot().idle() == 4);
        server.resize(1);
        await().atMost(PATIENCE)
                .until(() -> server.snapshot().workers().size() == 1
                        && server.snapshot().idle() == 1);
        try (LineClient client = new LineClient(server.address())) {
            assertThat(workerPids()).containsExactly(LineClient.pidOf(client.request("ECHO one left")));
        }
    }

    @Test
    void maxRequestsRecyclesAWorker() throws Exception {
        start(TestServers.config(data, 1).maxRequests(3).linger(Duration.ofMillis(5)));
        int first;
        try (LineClient client = new LineClient(server.address())) {
            first = LineClient.pidOf(client.request("ECHO 1"));
            client.request("ECHO 2");
            client.request("ECHO 3");
        }
        await().atMost(PATIENCE)
                .until(() -> server.snapshot().idle() == 1 && !workerPids().contains(first));
        assertThat(Procfs.alive(first)).isFalse();
    }

    @Test
    void aWorkerSilentPastTheRequestTimeoutIsEnded() throws Exception {
        // A worker frozen with SIGSTOP takes the session and never answers: stuck, as far as the master can tell.
        start(TestServers.config(data, 1).requestTimeout(Duration.ofMillis(500)));
        int pid = workerPids().iterator().next();
        io.pooldisk.unix.ProcessControl.kill(pid, 19); // SIGSTOP
        try (LineClient client = new LineClient(server.address())) {
            client.send("ECHO frozen");
            // Mid-command, part of a reply may be on the wire already: the master closes without a word of its own.
            assertThat(client.readLine()).isNull();
        }
        await().atMost(PATIENCE)
                .until(() -> !Procfs.alive(pid) && server.snapshot().idle() == 1);
    }

    @Test
    void aSessionShowsItsUserWhileAWorkerServesItAndOnceParked() throws Exception {
        start(TestServers.config(data, 1).linger(Duration.ofSeconds(30)));
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add("ann", "pw".toCharArray(), 0);
        }
        try (LineClient client = new LineClient(server.address())) {
            TestServers.login(client, "ann", "pw");
            await().atMost(PATIENCE)
                    .until(() -> server.snapshot().sessions().stream()
                            .anyMatch(s -> s.workerPid() > 0 && s.user().equals("ann")));
            assertThat(server.snapshot().workers()).anyMatch(w -> w.user().equals("ann"));
            try (LineClient other = new LineClient(server.address())) { // takes the worker: ann's session parks
                other.request("ECHO hi");
            }
            await().atMost(PATIENCE)
                    .until(() -> server.snapshot().sessions().stream()
                            .anyMatch(s -> s.workerPid() == 0 && s.user().equals("ann")));
        }
    }

    @Test
    void kickingASessionClosesTheClient() throws Exception {
        start(TestServers.config(data, 1).linger(Duration.ofMillis(5)));
        try (LineClient client = new LineClient(server.address())) {
            client.request("ECHO hi");
            await().atMost(PATIENCE).until(() -> server.snapshot().sessions().size() == 1);
            SessionInfo session = server.snapshot().sessions().get(0);
            assertThat(session.client()).isEqualTo("127.0.0.1:" + client.localPort());
            server.kickSession(session.id());
            assertThat(client.readLine()).isNull();
        }
    }

    @Test
    void aBannedAddressIsDisconnectedAndRefused() throws Exception {
        start(TestServers.config(data, 1).linger(Duration.ofMillis(5)));
        try (LineClient client = new LineClient(server.address())) {
            client.request("ECHO hi");
            server.banAddress("127.0.0.1", Duration.ofMinutes(1));
            assertThat(client.readLine()).isNull();
        }
        try (LineClient again = new LineClient(server.address())) {
            assertThat(again.readLine()).startsWith("ERR 403 ");
        }
        assertThat(server.snapshot().rejected()).isEqualTo(1);
    }

    @Test
    void aPortInUseIsAClearStartFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            PoolConfig config = TestServers.config(data, 2)
                    .bind(new InetSocketAddress("127.0.0.1", taken.getLocalPort()))
                    .build();
            assertThatThrownBy(() -> PoolServer.start(config))
                    .isInstanceOf(PoolStartException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
        // The failed start let go of the data directory: the next start on it works.
        start(TestServers.config(data, 1));
        assertThat(server.snapshot().idle()).isEqualTo(1);
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused() throws Exception {
        start(TestServers.config(data, 1));
        assertThatThrownBy(() -> PoolServer.start(TestServers.config(data, 1).build()))
                .isInstanceOf(PoolStartException.class)
                .hasMessageContaining("is in use by another PoolDisk server");
    }

    @Test
    void workersThatCannotStartStopTheServerWithAClearError() {
        PoolConfig config = TestServers.config(data, 2)
                .launcher(new WorkerLauncher(List.of("/bin/false")))
                .build();
        assertThatThrownBy(() -> PoolServer.start(config))
                .isInstanceOf(PoolStartException.class)
                .hasMessageStartingWith("workers keep failing to start");
    }

    @Test
    void snapshotsReachListenersAndIdleBusyAreDerivedFromWorkers() throws Exception {
        List<PoolSnapshot> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(TestServers.config(data, 2));
        try (AutoCloseable sub = server.subscribe(new PoolListener() {
            @Override
            public void onSnapshot(PoolSnapshot snapshot) {
                seen.add(snapshot);
            }
        })) {
            await().atMost(PATIENCE).until(() -> !seen.isEmpty());
            PoolSnapshot s = seen.get(seen.size() - 1);
            assertThat(s.idle() + s.busy() + s.starting()).isEqualTo(s.total());
            assertThat(s.workers()).allMatch(w -> w.rssBytes() > 0 || w.state() == WorkerState.DEAD);
        }
    }

    @Test
    void idleSessionsAreClosedAfterTheIdleTimeout() throws Exception {
        start(TestServers.config(data, 1).idleTimeout(Duration.ofSeconds(1)).linger(Duration.ofMillis(5)));
        try (LineClient client = new LineClient(server.address())) {
            client.request("ECHO then silence");
            assertThat(client.readLine()).startsWith("ERR 408 ");
            assertThat(client.readLine()).isNull();
        }
    }
}
