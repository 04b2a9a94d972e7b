package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.TransferListener;
import io.pooldisk.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit.log and the AUDIT events, from a real server with real workers, as clients log in and move files. */
class AuditLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path data;
    private PoolServer server;
    private final List<PoolEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        data = TestServers.dataWithUsers(tmp, "ann", "correct horse", 0);
        server =
                PoolServer.start(TestServers.config(data, 2).loginMaxFailures(2).build(), new PoolListener() {
                    @Override
                    public void onEvent(PoolEvent event) {
                        events.add(event);
                    }

                    @Override
                    public boolean wantsSnapshots() {
                        return false;
                    }
                });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void loginsAreAuditedWithTheirOutcomeAndWhyTheyFailed() throws Exception {
        try (DiskClient c = connect()) {
            assertThatThrownBy(() -> c.login("ann", "wrong".toCharArray())).hasMessageContaining("authentication");
            c.login("ann", "correct horse".toCharArray());
        }
        try (DiskClient c = connect()) { // a success clears the failures; two more (--login-max-failures 2) ban
            assertThatThrownBy(() -> c.login("nobody", "x".toCharArray())).hasMessageContaining("authentication");
        }
        try (DiskClient c = connect()) {
            assertThatThrownBy(() -> c.login("ann", "wrong".toCharArray())).hasMessageContaining("authentication");
        }
        try (DiskClient c = connect()) {
            assertThatThrownBy(() -> c.login("ann", "correct horse".toCharArray()))
                    .hasMessageContaining("too many failed logins");
        }

        JsonNode failed = awaitLine(l -> l.get("event").asText().equals("login") && l.has("reason"));
        assertThat(failed.get("user").asText()).isEqualTo("ann");
        assertThat(failed.get("result").asText()).isEqualTo("failure");
        assertThat(failed.get("reason").asText()).isEqualTo("wrong password");
        assertThat(failed.get("address").asText()).startsWith("127.0.0.1:");
        assertThat(failed.get("time").asText()).isNotEmpty();

        JsonNode ok = awaitLine(l -> l.get("event").asText().equals("login")
                && l.get("result").asText().equals("success"));
        assertThat(ok.get("user").asText()).isEqualTo("ann");
        assertThat(ok.has("reason")).isFalse();

        JsonNode unknown = awaitLine(l -> l.get("event").asText().equals("login")
                && l.get("user").asText().equals("nobody"));
        assertThat(unknown.get("reason").asText()).isEqualTo("unknown user");

        JsonNode throttled = awaitLine(l -> l.get("event").asText().equals("login")
                && l.path("reason").asText().startsWith("too many failed logins from 127.0.0.1"));
        assertThat(throttled.get("user").asText()).isEqualTo("ann");
        assertThat(throttled.get("result").asText()).isEqualTo("failure");

        JsonNode ban = awaitLine(l -> l.get("event").asText().equals("ban"));
        assertThat(ban.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(ban.get("via").asText()).isEqualTo("login throttle");
        assertThat(ban.get("durationMs").asLong())
                .isEqualTo(Duration.ofMinutes(5).toMillis());

        awaitEvent("login ann from 127.0.0.1:");
        assertThat(events)
                .filteredOn(e -> e.kind() == PoolEvent.Kind.AUDIT)
                .allSatisfy(e -> assertThat(e.level()).isEqualTo(PoolEvent.Level.INFO))
                .extracting(PoolEvent::message)
                .anyMatch(m -> m.contains("failure (wrong password)"))
                .anyMatch(m -> m.endsWith(": success"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auditLog())))
                .isEqualTo("rw-------");
    }

    @Test
    void uploadsDownloadsAndRemovalsAreAuditedWithBytesHashAndDuration() throws Exception {
        byte[] content = TestServers.randomBytes(300_000, 7);
        String sha256 = TestServers.sha256(content);
        Path local = Files.write(tmp.resolve("up.bin"), content);
        try (DiskClient c = connect()) {
            c.login("ann", "correct horse".toCharArray());
            c.upload(local, "/docs up.bin", TransferListener.NONE);
            c.download("/docs up.bin", tmp.resolve("back.bin"), TransferListener.NONE);
            c.remove("/docs up.bin", false);
        }

        for (String event : List.of("upload", "download", "remove")) {
            JsonNode line = awaitLine(l -> l.get("event").asText().equals(event));
            assertThat(line.get("result").asText()).as(event).isEqualTo("success");
            assertThat(line.get("user").asText()).as(event).isEqualTo("ann");
            assertThat(line.get("path").asText()).as(event).isEqualTo("/docs up.bin");
            assertThat(line.get("bytes").asLong()).as(event).isEqualTo(content.length);
            assertThat(line.get("sha256").asText()).as(event).isEqualTo(sha256);
            assertThat(line.get("durationMs").asLong()).as(event).isNotNegative();
            assertThat(line.get("address").asText()).as(event).startsWith("127.0.0.1:");
            awaitEvent(event + " ann /docs up.bin from 127.0.0.1:");
        }
    }

    @Test
    void aBanFromTheAdministratorIsAudited() throws Exception {
        server.banAddress("192.0.2.7", Duration.ofMinutes(2));
        JsonNode ban = awaitLine(l -> l.get("event").asText().equals("ban"));
        assertThat(ban.get("address").asText()).isEqualTo("192.0.2.7");
        assertThat(ban.get("durationMs").asLong()).isEqualTo(120_000);
        assertThat(ban.get("via").asText()).isEqualTo("administrator");
    }

    @Test
    void usr1AfterARenameStartsAFreshFile() throws Exception {
        server.audit(AuditRecord.of("test").detail("before").build());
        awaitLine(l -> l.path("detail").asText().equals("before"));
        Path rotated = auditLog().resolveSibling("audit.log.1");
        Files.move(auditLog(), rotated);

        server.reopenLogs(); // what SIGUSR1 does
        await().atMost(WAIT).until(() -> Files.exists(auditLog()));
        server.audit(AuditRecord.of("test").detail("after").build());
        awaitLine(l -> l.path("detail").asText().equals("after"));
        assertThat(Files.readString(rotated)).contains("\"before\"").doesNotContain("\"after\"");
        assertThat(Files.readString(auditLog())).doesNotContain("\"before\"");
        assertThat(Files.exists(data.resolve("server.log"))).isTrue(); // reopened too
    }

    private DiskClient connect() throws IOException {
        return DiskClient.connect("127.0.0.1", server.address().getPort());
    }

    private Path auditLog() {
        return DataDirs.auditLog(data);
    }

    private JsonNode awaitLine(Predicate<JsonNode> wanted) {
        return await().atMost(WAIT)
                .until(() -> lines().stream().filter(wanted).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    private void awaitEvent(String start) {
        await().atMost(WAIT)
                .until(() -> events.stream()
                        .anyMatch(e ->
                                e.kind() == PoolEvent.Kind.AUDIT && e.message().startsWith(start)));
    }

    /** audit.log, every line parsed: each must be one JSON object. */
    private List<JsonNode> lines() throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        if (Files.exists(auditLog())) {
            for (String line : Files.readAllLines(auditLog())) {
                JsonNode node = JSON.readTree(line);
                assertThat(node.isObject()).as(line).isTrue();
                parsed.add(node);
            }
        }
        return parsed;
    }
}
