package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pooldisk.pool.PoolConfig;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.PoolDiskProcess;
import io.pooldisk.testing.Procfs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pooldisk serve} and {@code pooldisk status} as real processes: signals, exit codes, messages. */
class ServeCommandTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private PoolDiskProcess serve(String... extra) throws Exception {
        String[] args = new String[extra.length + 7];
        System.arraycopy(
                new String[] {
                    "serve",
                    "--port",
                    "0",
                    "--workers",
                    "2",
                    "--data",
                    tmp.resolve("data").toString()
                },
                0,
                args,
                0,
                7);
        System.arraycopy(extra, 0, args, 7, extra.length);
        return PoolDiskProcess.start(tmp.resolve("logs"), args);
    }

    @Test
    void withoutOptionsTheServerRunsWithTheEnginesDefaultsAndHelpShowsThem() {
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        StringWriter help = new StringWriter();
        cl.setOut(new PrintWriter(help));
        cl.parseArgs();
        PoolConfig defaults = PoolConfig.defaults();
        assertThat(serve.config().toBuilder().launcher(defaults.launcher()).build())
                .isEqualTo(defaults);

        cl.usage(new PrintWriter(help));
        assertThat(help.toString().replaceAll("\\s+", " "))
                .contains("Default: " + defaults.bind().getHostString() + ".")
                .contains("Default: " + defaults.bind().getPort() + ".")
                .contains("Default: 10s.", "Default: 1m.", "Default: 5m.", "Default: 50ms.", "Default: 24h.")
                .contains("Default: own.")
                .contains("Default: 10.0 MiB.");
    }

    @Test
    void metricsAreOffByDefaultAndTakeHostColonPort() {
        assertThat(PoolConfig.defaults().metrics()).isNull();
        assertThat(metricsOption("127.0.0.1:9180")).isEqualTo(new InetSocketAddress("127.0.0.1", 9180));
        assertThat(metricsOption("[::1]:0")).isEqualTo(new InetSocketAddress("::1", 0));
        assertThat(metricsOption("localhost:http").getPort()).isEqualTo(80);
        for (String bad : new String[] {"9180", ":9180", "127.0.0.1:", "::1:9180"}) {
            assertThatThrownBy(() -> metricsOption(bad))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--metrics wants HOST:PORT");
        }
    }

    private static InetSocketAddress metricsOption(String value) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--metrics", value);
        return serve.config().metrics();
    }

    @Test
    void proxyFromIsOffByDefaultAndTakesAddressesAndNetworks() {
        ServeCommand serve = new ServeCommand();
        CommandLine cl = new CommandLine(serve);
        cl.parseArgs();
        assertThat(serve.config().proxyFrom().isEmpty()).isTrue();
        cl.parseArgs("--proxy-from", "127.0.0.1,10.0.0.0/8");
        assertThat(serve.config().proxyFrom()).hasToString("127.0.0.1,10.0.0.0/8");
        assertThatThrownBy(() -> cl.parseArgs("--proxy-from", "10.0.0.0/40"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("prefix length");
    }

    @Test
    void sigtermStopsGracefullyAndLeavesNoWorker() throws Exception {
        try (PoolDiskProcess server = serve()) {
            PoolDiskProcess.Listening up = server.awaitListening(PATIENCE);
            try (LineClient client = new LineClient(new InetSocketAddress("127.0.0.1", up.port()))) {
                assertThat(up.workerPids()).contains((long) LineClient.pidOf(client.request("ECHO hi")));
            }
            server.process().destroy(); // SIGTERM
            assertThat(server.waitFor(PATIENCE)).isZero();
            assertThat(server.stderr()).contains("stopping (grace").contains("stopped");
            await().atMost(PATIENCE).until(() -> up.workerPids().stream().noneMatch(Procfs::alive));
        }
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                        .start()
                        .waitFor())
                .as("kill -" + name)
                .isZero();
    }

    /**
     * TTIN and TTOU resize, USR1 reopens server.log and audit.log after they were moved away, HUP replaces every
     * worker: all while a client sends ECHO after ECHO on one connection and another holds an idle session. Nothing
     * is lost.
     */
    @Test
    void signalsResizeReopenTheLogAndReplaceTheWorkersWithoutLosingASession() throws Exception {
        try (PoolDiskProcess server = serve()) {
            PoolDiskProcess.Listening up = server.awaitListening(PATIENCE);
            long master = server.process().pid();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", up.port());
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> {
                try (LineClient busy = new LineClient(address)) {
                    while (loading.get()) {
                        String reply = busy.request("ECHO load " + answered.get());
                        if (reply == null || !reply.startsWith("OK PROCESS")) {
                            return "lost: " + reply;
                        }
                        answered.incrementAndGet();
                    }
                    return "ok";
                } catch (IOException e) {
                    return "lost: " + e;
                }
            });
            try (LineClient idle = new LineClient(address)) {
                assertThat(idle.request("ECHO before")).contains("BEFORE");

                signal("TTIN", master);
                await().atMost(PATIENCE).until(() -> server.stderr().contains("from 2 to 3 workers"));
                signal("TTOU", master);
                await().atMost(PATIENCE).until(() -> server.stderr().contains("from 3 to 2 workers"));

                Path audit = tmp.resolve("data").resolve("audit.log");
                try (LineClient other = new LineClient(address)) {
                    assertThat(other.request("LOGIN !")).startsWith("ERR 400"); // a failed login: audited
                }
                await().atMost(PATIENCE)
                        .until(() ->
                                Files.exists(audit) && Files.readString(audit).contains("\"login\""));
                Files.move(audit, audit.resolveSibling("audit.log.1"));
                Path log = tmp.resolve("data").resolve("server.log");
                Files.move(log, log.resolveSibling("server.log.1"));
                signal("USR1", master);
                await().atMost(PATIENCE).until(() -> Files.exists(audit)); // begun anew at once, empty
                assertThat(Files.size(audit)).isZero();
                signal("TTIN", master);
                await().atMost(PATIENCE)
                        .until(() -> Files.exists(log) && Files.readString(log).contains("from 2 to 3 workers"));
                assertThat(Files.readString(log.resolveSibling("server.log.1"))).contains("from 3 to 2 workers");
                assertThat(Files.readString(log)).doesNotContain("from 3 to 2 workers"); // a new file

                await().atMost(PATIENCE)
                        .until(() -> Procfs.pidsWithArgument("--master-pid " + master)
                                        .size()
                                == 3);
                List<Long> before = Procfs.pidsWithArgument("--master-pid " + master);
                signal("HUP", master);
                await().atMost(PATIENCE).until(() -> server.stderr().contains("replacing all 3 workers"));
                await().atMost(PATIENCE).until(() -> before.stream().noneMatch(Procfs::alive));
                await().atMost(PATIENCE)
                        .until(() -> Procfs.pidsWithArgument("--master-pid " + master)
                                        .size()
                                == 3);
                int answeredBefore = answered.get();
                await().atMost(PATIENCE).until(() -> answered.get() > answeredBefore + 10);

                String after = idle.request("ECHO after");
                assertThat(after).contains("AFTER");
                assertThat(before).doesNotContain((long) LineClient.pidOf(after));
            } finally {
                loading.set(false);
            }
            assertThat(load.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(server.process().isAlive()).isTrue();
        }
    }

    @Test
    void sigkillOfTheMasterLeavesNoWorker() throws Exception {
        try (PoolDiskProcess server = serve()) {
            PoolDiskProcess.Listening up = server.awaitListening(PATIENCE);
            assertThat(up.workerPids()).hasSize(2).allMatch(Procfs::alive);
            server.process().destroyForcibly(); // SIGKILL
            server.waitFor(PATIENCE);
            await().atMost(PATIENCE).until(() -> up.workerPids().stream().noneMatch(Procfs::alive));
        }
    }

    @Test
    void statusReadsTheScoreboardOfARunningServer() throws Exception {
        try (PoolDiskProcess server = serve()) {
            PoolDiskProcess.Listening up = server.awaitListening(PATIENCE);
            String data = tmp.resolve("data").toString();
            try (PoolDiskProcess status = PoolDiskProcess.start(tmp.resolve("logs"), "status", "--data", data)) {
                assertThat(status.waitFor(PATIENCE)).isZero();
                assertThat(status.stdout())
                        .contains("workers 2: idle 2, busy 0, lingering 0, starting 0;")
                        .contains(Long.toString(up.workerPids().get(0)));
            }
            try (PoolDiskProcess json =
                    PoolDiskProcess.start(tmp.resolve("logs"), "status", "--json", "--data", data)) {
                assertThat(json.waitFor(PATIENCE)).isZero();
                assertThat(json.stdout())
                        .startsWith("{")
                        .contains("\"idle\":2")
                        .contains("\"lingering\":0")
                        .contains("\"workers\":[");
            }
            server.process().destroy();
            server.waitFor(PATIENCE);
        }
        try (PoolDiskProcess status = PoolDiskProcess.start(
                tmp.resolve("logs"), "status", "--data", tmp.resolve("data").toString())) {
            assertThat(status.waitFor(PATIENCE)).isEqualTo(1);
            assertThat(status.stderr()).startsWith("pooldisk status: no server is running on data directory");
        }
    }

    @Test
    void resizeGrowsAndShrinksARunningPool() throws Exception {
        String data = tmp.resolve("data").toString();
        try (PoolDiskProcess server = serve()) {
            server.awaitListening(PATIENCE);
            try (PoolDiskProcess resize = PoolDiskProcess.start(tmp.resolve("logs"), "resize", "3", "--data", data)) {
                assertThat(resize.waitFor(PATIENCE)).isZero();
                assertThat(resize.stdout().strip()).isEqualTo("the pool is being resized to 3 workers");
            }
            await().atMost(PATIENCE).until(() -> statusJson(data).contains("\"idle\":3,"));
            try (PoolDiskProcess resize = PoolDiskProcess.start(tmp.resolve("logs"), "resize", "1", "--data", data)) {
                assertThat(resize.waitFor(PATIENCE)).isZero();
            }
            await().atMost(PATIENCE).until(() -> statusJson(data).contains("\"total\":1,"));
            assertThat(server.stderr()).contains("pool resized from 2 to 3 workers", "pool resized from 3 to 1 worker");

            try (PoolDiskProcess resize = PoolDiskProcess.start(tmp.resolve("logs"), "resize", "0", "--data", data)) {
                assertThat(resize.waitFor(PATIENCE)).isEqualTo(2);
                assertThat(resize.stderr().strip())
                        .isEqualTo(
                                "pooldisk resize: N must be between 1 and 256, not 0 (see 'pooldisk resize --help')");
            }
            server.process().destroy();
            server.waitFor(PATIENCE);
        }
        try (PoolDiskProcess resize = PoolDiskProcess.start(tmp.resolve("logs"), "resize", "2", "--data", data)) {
            assertThat(resize.waitFor(PATIENCE)).isEqualTo(1);
            assertThat(resize.stderr()).startsWith("pooldisk resize: no server is running on data directory");
        }
    }

    private String statusJson(String data) throws Exception {
        try (PoolDiskProcess status = PoolDiskProcess.start(tmp.resolve("logs"), "status", "--json", "--data", data)) {
            assertThat(status.waitFor(PATIENCE)).isZero();
            return status.stdout();
        }
    }

    @Test
    void aBadOptionGetsOneLineAndExitCodeTwo() throws Exception {
        try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--wrokers", "3")) {
            assertThat(p.waitFor(PATIENCE)).isEqualTo(2);
            assertThat(p.stderr().lines())
                    .hasSize(1)
                    .first()
                    .asString()
                    .contains("Unknown option")
                    .contains("'--wrokers'")
                    .contains("pooldisk serve --help");
        }
        try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--workers", "zero")) {
            assertThat(p.waitFor(PATIENCE)).isEqualTo(2);
            assertThat(p.stderr().lines()).hasSize(1);
        }
        try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--port", "no-such-service")) {
            assertThat(p.waitFor(PATIENCE)).isEqualTo(2);
            assertThat(p.stderr()).contains("'no-such-service' is neither a port number");
        }
    }

    @Test
    void anUnresolvableHostGetsExitCodeTwo() throws Exception {
        try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--host", "no-such-host.invalid")) {
            assertThat(p.waitFor(PATIENCE)).isEqualTo(2);
            assertThat(p.stderr().strip())
                    .isEqualTo("pooldisk serve: cannot resolve host 'no-such-host.invalid' "
                            + "(see 'pooldisk serve --help')");
        }
    }

    @Test
    void aPortInUseGetsExitCodeOneAndLeavesNoWorker() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (PoolDiskProcess p = PoolDiskProcess.start(
                    tmp,
                    "serve",
                    "--port",
                    Integer.toString(port),
                    "--data",
                    tmp.resolve("data").toString())) {
                long master = p.process().pid();
                assertThat(p.waitFor(PATIENCE)).isEqualTo(1);
                assertThat(p.stderr().strip())
                        .isEqualTo("pooldisk serve: cannot listen on 127.0.0.1:" + port + ": address already in use");
                assertThat(Procfs.pidsWithArgument("--master-pid " + master)).isEmpty();
            }
        }
    }

    @Test
    void aDataDirectoryThatCannotBeUsedIsNamedWithWhatIsWrong() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        String[][] cases = {
            {file.toString(), "it is a file, not a directory"},
            {"/proc/pooldisk-test", "no such file or directory"},
        };
        for (String[] c : cases) {
            try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--port", "0", "--data", c[0])) {
                assertThat(p.waitFor(PATIENCE)).isEqualTo(1);
                assertThat(p.stderr().strip())
                        .isEqualTo("pooldisk serve: cannot use data directory " + c[0] + ": " + c[1]);
            }
        }
    }

    @Test
    void hostsAndServicesResolveAsGetaddrinfoWould() throws Exception {
        try (PoolDiskProcess p = serve("--host", "localhost")) {
            PoolDiskProcess.Listening up = p.awaitListening(PATIENCE);
            try (LineClient client = new LineClient(new InetSocketAddress("localhost", up.port()))) {
                assertThat(client.request("ECHO by name")).endsWith("BY NAME");
            }
        }
        try (PoolDiskProcess p = PoolDiskProcess.start(
                tmp.resolve("v6"),
                "serve",
                "--host",
                "::1",
                "--port",
                "0",
                "--workers",
                "1",
                "--data",
                tmp.resolve("data6").toString())) {
            PoolDiskProcess.Listening up = p.awaitListening(PATIENCE);
            try (LineClient client = new LineClient(new InetSocketAddress("::1", up.port()))) {
                assertThat(client.request("ECHO over ipv6")).endsWith("OVER IPV6");
            }
        }
        assertThat(ServeCommand.resolvePort(null, "http")).isEqualTo(80);
    }

    @Test
    void helpDocumentsEveryOption() throws Exception {
        try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--help")) {
            assertThat(p.waitFor(PATIENCE)).isZero();
            assertThat(p.stdout())
                    .contains(
                            "--host",
                            "--port",
                            "--workers",
                            "--data",
                            "--max-pending",
                            "--queue-timeout",
                            "--request-timeout",
                            "--max-requests",
                            "--grace",
                            "--idle-timeout",
                            "--linger",
                            "--instant-upload=own|all|off",
                            "--metrics=HOST:PORT",
                            "--log-max-size",
                            "--log-files",
                            "Exit codes:");
            assertThat(p.stdout().replaceAll("\\s+", " "))
                    .contains(
                            "own: content the same user stores already",
                            "all: content any user stores",
                            "off: every upload sends its bytes",
                            "Default: own.");
        }
        try (PoolDiskProcess p = PoolDiskProcess.start(tmp, "serve", "--instant-upload", "everyone")) {
            assertThat(p.waitFor(PATIENCE)).isEqualTo(2);
            assertThat(p.stderr()).contains("'everyone' is not one of own, all, off");
        }
    }
}
