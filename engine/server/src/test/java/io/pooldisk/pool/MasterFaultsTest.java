package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.TestServers;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the OS does to the master (no descriptors left, workers killed as they start) does not make it exit. */
class MasterFaultsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path data;

    private PoolServer server;
    private final List<PoolEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(PoolConfig.Builder config) throws PoolStartException {
        server = PoolServer.start(config.build(), new PoolListener() {
            @Override
            public void onEvent(PoolEvent event) {
                events.add(event);
            }
        });
    }

    private long eventsSaying(String text) {
        return events.stream().filter(e -> e.message().contains(text)).count();
    }

    /**
     * The server runs in this JVM, so the test can take every descriptor the process has, as 400 idle connections
     * under {@code ulimit -n 256} would, and give back one at a time for a client's socket.
     */
    @Test
    void outOfDescriptorsNewConnectionsHearErr503OnceLoggedAndTheServerRecovers() throws Exception {
        start(TestServers.config(data, 2));
        List<FileInputStream> hog = new ArrayList<>();
        try (LineClient before = new LineClient(server.address())) {
            assertThat(before.request("ECHO before")).startsWith("OK PROCESS");
            try {
                takeEveryDescriptor(hog);
                for (int i = 0; i < 20; i++) {
                    hog.remove(hog.size() - 1).close(); // room for the client's socket, none for the server's
                    try (LineClient refused = new LineClient(server.address())) {
                        assertThat(refused.readLine())
                                .isEqualTo("ERR 503 the server is out of file descriptors; try again later");
                        assertThat(refused.readLine()).isNull();
                    }
                    hog.add(new FileInputStream("/dev/null"));
                }
                // The session it had is served on: handing it to a worker costs the master no new descriptor.
                assertThat(before.request("ECHO during")).startsWith("OK PROCESS");
            } finally {
                for (FileInputStream f : hog) {
                    f.close();
                }
            }
            assertThat(eventsSaying("out of file descriptors")).isEqualTo(1); // not once a connection
            try (LineClient after = new LineClient(server.address())) {
                assertThat(after.request("ECHO after")).startsWith("OK PROCESS");
            }
            assertThat(before.request("ECHO still")).startsWith("OK PROCESS");
        }
        assertThat(server.isRunning()).isTrue();
    }

    private static void takeEveryDescriptor(List<FileInputStream> hog) {
        try {
            while (true) {
                hog.add(new FileInputStream("/dev/null"));
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("Too many open files");
        }
    }

    /** As an OOM killer might: every new worker is SIGKILLed before it says hello, more times than boot errors may. */
    @Test
    void workersKilledAsTheyStartAreStartedAgainAndTheMasterStays() throws Exception {
        start(TestServers.config(data, 1));
        int last = server.snapshot().workers().get(0).pid();
        ProcessHandle.of(last).orElseThrow().destroyForcibly();
        for (int kill = 0; kill < 7; kill++) {
            int previous = last;
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(2)).until(() -> {
                WorkerInfo w = server.snapshot().workers().get(0);
                return w.state() == WorkerState.STARTING && w.pid() != previous;
            });
            last = server.snapshot().workers().get(0).pid();
            ProcessHandle.of(last).ifPresent(ProcessHandle::destroyForcibly);
        }
        await().atMost(PATIENCE).until(() -> server.snapshot().idle() == 1);
        assertThat(server.isRunning()).isTrue();
        try (LineClient client = new LineClient(server.address())) {
            assertThat(client.request("ECHO alive")).startsWith("OK PROCESS");
        }
        assertThat(eventsSaying("trying again in")).isGreaterThanOrEqualTo(7);
    }

    @Test
    void aWorkerProgramThatDoesNotExistStopsTheServerWithAClearError() {
        PoolConfig config = TestServers.config(data, 1)
                .launcher(new WorkerLauncher(List.of("/nonexistent/pooldisk-java")))
                .build();
        assertThatThrownBy(() -> PoolServer.start(config))
                .isInstanceOf(PoolStartException.class)
                .hasMessageStartingWith("workers keep failing to start")
                .hasMessageContaining("/nonexistent/pooldisk-java");
    }
}
