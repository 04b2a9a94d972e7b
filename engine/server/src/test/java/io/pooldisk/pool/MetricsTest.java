package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.TransferListener;
import io.pooldisk.testing.LineClient;
import io.pooldisk.testing.MetricsParser;
import io.pooldisk.testing.TestServers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --metrics}: a real pool with real workers, a login, an upload, a download and failing commands, then
 * {@code /metrics} read with a real OpenMetrics parser (python3-prometheus-client, Debian's, run by /usr/bin/python3)
 * and {@code /status.json} with Jackson.
 */
class MetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIZE = 3 * 1024 * 1024 + 17;

    @TempDir
    Path tmp;

    private PoolServer server;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() throws Exception {
        Path data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0);
        server = PoolServer.start(TestServers.config(data, 2)
                .metrics(new InetSocketAddress("127.0.0.1", 0))
                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void metricsCountCommandsByVerbAndResultBytesTransfersAndWorkers() throws Exception {
        Path local = Files.write(tmp.resolve("up.bin"), TestServers.randomBytes(SIZE, 7));
        try (DiskClient ann = DiskClient.connect("127.0.0.1", server.address().getPort())) {
            ann.login("ann", "correct horse".toCharArray());
            ann.upload(local, "/up.bin", TransferListener.NONE);
            Path back = ann.download("/up.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            assertThat(Files.mismatch(local, back)).isEqualTo(-1);
            assertThatThrownBy(() -> ann.stat("/missing")).isInstanceOf(DiskClientException.class);
            ann.quit();
        }
        try (DiskClient mallory =
                DiskClient.connect("127.0.0.1", server.address().getPort())) {
            assertThatThrownBy(() -> mallory.login("ann", "wrong horse".toCharArray()))
                    .isInstanceOf(DiskClientException.class);
        }
        try (LineClient raw = new LineClient(server.address())) {
            assertThat(raw.request("ECHO hi")).startsWith("OK PROCESS");
            assertThat(raw.request("FROB")).startsWith("ERR 400");
            assertThat(raw.request("QUIT")).isEqualTo("OK bye");
        }
        PoolMetrics totals = server.metrics();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(totals.commands("QUIT", "OK")).isEqualTo(2);
            assertThat(totals.commands("other", "400")).isEqualTo(1);
            assertThat(totals.loginFailures()).isEqualTo(1);
        });

        HttpResponse<String> response =
                get("/metrics", "application/openmetrics-text; version=1.0.0, text/plain;q=0.5");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body()).endsWith("# EOF\n");
        MetricsParser.Families families = MetricsParser.parse(response.body(), "openmetrics");

        assertThat(families.value("pooldisk_commands_total", "verb", "LOGIN", "result", "OK"))
                .isEqualTo(2);
        assertThat(families.value("pooldisk_commands_total", "verb", "PROOF", "result", "OK"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "PROOF", "result", "401"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "PUT", "result", "OK"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "GET", "result", "OK"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "STAT", "result", "404"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "ECHO", "result", "OK"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "other", "result", "400"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_commands_total", "verb", "QUIT", "result", "OK"))
                .isEqualTo(2);
        assertThat(families.family("pooldisk_commands").get("type").asText()).isEqualTo("counter");
        assertThat(families.value("pooldisk_login_failures_total")).isEqualTo(1);

        assertThat(families.value("pooldisk_received_bytes_total")).isGreaterThan(SIZE);
        assertThat(families.value("pooldisk_sent_bytes_total")).isGreaterThan(SIZE);
        assertThat(families.family("pooldisk_received_bytes").get("unit").asText())
                .isEqualTo("bytes");

        assertThat(families.family("pooldisk_transfer_duration_seconds")
                        .get("type")
                        .asText())
                .isEqualTo("histogram");
        for (String direction : new String[] {"upload", "download"}) {
            assertThat(families.value("pooldisk_transfer_duration_seconds_count", "direction", direction))
                    .isEqualTo(1);
            assertThat(families.value(
                            "pooldisk_transfer_duration_seconds_bucket", "direction", direction, "le", "+Inf"))
                    .isEqualTo(1);
            assertThat(families.value("pooldisk_transfer_duration_seconds_sum", "direction", direction))
                    .isGreaterThanOrEqualTo(0)
                    .isLessThan(30);
        }

        PoolSnapshot snapshot = server.snapshot();
        assertThat(families.value("pooldisk_workers_configured")).isEqualTo(2);
        double workers = 0;
        for (JsonNode s : families.samples("pooldisk_workers")) {
            workers += s.get("value").asDouble();
        }
        assertThat(workers).isEqualTo(2);
        List<String> pids = new ArrayList<>();
        for (JsonNode s : families.samples("pooldisk_worker_state")) {
            pids.add(s.get("labels").get("pid").asText());
        }
        assertThat(pids)
                .containsExactlyInAnyOrderElementsOf(snapshot.workers().stream()
                        .map(w -> Integer.toString(w.pid()))
                        .toList());
        double requests = 0;
        for (JsonNode s : families.samples("pooldisk_worker_requests")) {
            requests += s.get("value").asDouble();
        }
        assertThat(requests).isEqualTo(snapshot.requestsServed());
        assertThat(families.value("pooldisk_connections_accepted_total")).isEqualTo(snapshot.accepted());
        assertThat(families.value("pooldisk_connections_refused_total")).isZero();
        assertThat(families.value("pooldisk_queue_length")).isZero();
        assertThat(families.value("pooldisk_uptime_seconds")).isPositive();
        assertThat(families.value("pooldisk_start_time_seconds") * 1000)
                .isCloseTo(snapshot.startedAt().toEpochMilli(), org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void anUploadThatWaitsInTheMasterHalfWayIsTimedFromItsStartToItsEnd() throws Exception {
        byte[] content = TestServers.randomBytes(1_000_000, 11);
        try (LineClient raw = TestServers.loggedIn(server.address(), "ann", "correct horse")) {
            assertThat(raw.request("PUT " + content.length + " " + TestServers.sha256(content) + " /half.bin"))
                    .isEqualTo("OK SEND 0");
            raw.sendRaw(java.util.Arrays.copyOf(content, 400_000));
            // the client goes quiet: its worker hands the session back, and the master holds it mid-upload
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.snapshot().sessions().stream().allMatch(x -> x.workerPid() == 0));
            raw.sendRaw(java.util.Arrays.copyOfRange(content, 400_000, content.length));
            assertThat(raw.readLine()).startsWith("OK STORED ");
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.metrics().uploads().count() == 1);
        // its worker lingered before handing it back: the time since OK SEND came with the session to the next one
        assertThat(server.metrics().uploads().sum())
                .isGreaterThanOrEqualTo(server.config().linger().toMillis() / 1000.0);
        assertThat(server.metrics().downloads().count()).isZero();
    }

    @Test
    void withoutAskingForOpenMetricsTheScraperGetsPrometheusText() throws Exception {
        try (LineClient raw = new LineClient(server.address())) {
            assertThat(raw.request("ECHO hi")).startsWith("OK PROCESS");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> server.metrics().commands("ECHO", "OK") == 1);
        HttpResponse<String> response = get("/metrics", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).doesNotContain("# EOF").doesNotContain("# UNIT");
        MetricsParser.Families families = MetricsParser.parse(response.body(), "prometheus");
        assertThat(families.value("pooldisk_commands_total", "verb", "ECHO", "result", "OK"))
                .isEqualTo(1);
        assertThat(families.value("pooldisk_transfer_duration_seconds_count", "direction", "upload"))
                .isZero();
    }

    @Test
    void statusJsonIsTheControlSocketsStatusAndOtherPathsAndMethodsAreRefused() throws Exception {
        HttpResponse<String> status = get("/status.json", null);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode json = JSON.readTree(status.body());
        assertThat(json.get("total").asInt()).isEqualTo(2);
        assertThat(json.get("workers")).hasSize(2);
        assertThat(json.get("listen").asText())
                .isEqualTo("127.0.0.1:" + server.address().getPort());

        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(uri("/metrics"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();

        assertThat(get("/", null).statusCode()).isEqualTo(404);
        assertThat(get("/metrics/x", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(uri("/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }

    @Test
    void itListensOnTheAddressGivenOnlyAndAPortInUseIsAClearStartError() throws Exception {
        assertThat(server.metricsAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(server.metricsAddress().getPort()).isPositive();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Path other = TestServers.dataWithUsers(tmp.resolve("other"));
            PoolConfig config = TestServers.config(other, 1)
                    .metrics(new InetSocketAddress("127.0.0.1", taken.getLocalPort()))
                    .build();
            assertThatThrownBy(() -> PoolServer.start(config))
                    .isInstanceOf(PoolStartException.class)
                    .hasMessage(
                            "cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
            // nothing was left behind: the data directory is free again
            try (PoolServer again =
                    PoolServer.start(TestServers.config(other, 1).build())) {
                assertThat(again.metricsAddress()).isNull();
            }
        }
    }

    private URI uri(String path) {
        InetSocketAddress a = server.metricsAddress();
        return URI.create("http://127.0.0.1:" + a.getPort() + path);
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
