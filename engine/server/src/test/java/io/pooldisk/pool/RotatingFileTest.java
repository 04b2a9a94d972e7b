package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size rotation of server.log and audit.log: a bounded number of files, and no line lost or torn on the way. */
class RotatingFileTest {

    @TempDir
    Path dir;

    @Test
    void rotatesAtTheSizeAndKeepsAtMostTheFilesAsked() throws Exception {
        Path log = dir.resolve("audit.log");
        try (RotatingFile file = new RotatingFile(log, 1000, 3)) {
            for (int i = 0; i < 35; i++) { // 35 lines of 100 bytes: 3 full files of 10 and 5 in the current one
                file.append(line(i));
            }
        }
        assertThat(files()).containsExactlyInAnyOrder("audit.log", "audit.log.1", "audit.log.2", "audit.log.3");
        assertThat(allLines(log, 3)).containsExactlyElementsOf(expected(0, 35)); // none lost, in order
        for (String name : files()) {
            assertThat(Files.size(dir.resolve(name))).as(name).isLessThanOrEqualTo(1000);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
                    .isEqualTo("rw-------");
        }

        try (RotatingFile file = new RotatingFile(log, 1000, 3)) { // past what the files hold: the oldest go
            for (int i = 35; i < 100; i++) {
                file.append(line(i));
            }
        }
        assertThat(files()).hasSize(4);
        List<String> kept = allLines(log, 3);
        assertThat(kept).endsWith(expected(60, 100).toArray(String[]::new)); // the newest, without a gap
    }

    @Test
    void zeroNeverRotates() throws Exception {
        Path log = dir.resolve("server.log");
        try (RotatingFile file = new RotatingFile(log, 0, 5)) {
            for (int i = 0; i < 50; i++) {
                file.append(line(i));
            }
        }
        assertThat(files()).containsExactly("server.log");
    }

    /**
     * Another process's {@link AuditLog#append} (the {@code pooldisk user} command) beside the server's writer as it
     * rotates: every line arrives whole, once.
     */
    @Test
    void linesAppendedBesideTheWriterAreNeitherLostNorTornWhileItRotates() throws Exception {
        Path log = DataDirs.auditLog(dir);
        int each = 400;
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < each; i++) {
                    AuditLog.append(
                            dir, AuditRecord.of("user.quota").user("cli" + i).build());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // A limit the writer's own 400 lines (about 34 kB) cross several times, however the other process's lines
        // fall around them: with 20 kB, two files were all a run could end with.
        try (RotatingFile file = new RotatingFile(log, 5_000, 100)) {
            for (int i = 0; i < each; i++) {
                file.append(AuditRecord.of("login")
                        .user("server" + i)
                        .time(Instant.EPOCH)
                        .build()
                        .toJson());
            }
        }
        other.get();
        ObjectMapper json = new ObjectMapper();
        List<String> users = new ArrayList<>();
        for (String line : allLines(log, 100)) {
            users.add(json.readTree(line).get("user").asText()); // each line parses: none torn
        }
        assertThat(users).hasSize(2 * each).doesNotHaveDuplicates();
        assertThat(files().size()).isGreaterThan(2); // it did rotate meanwhile
    }

    /** The server's writer thread, rotating as it goes: every record queued is in the files kept, in order. */
    @Test
    void theAuditWriterRotatesAndLosesNoRecord() throws Exception {
        List<PoolEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AuditLog audit = new AuditLog(new RotatingFile(DataDirs.auditLog(dir), 4096, 5), events::add);
        for (int i = 0; i < 100; i++) { // about 60 bytes each: 2 KiB under what 6 files of 4 KiB hold
            audit.record(
                    AuditRecord.of("remove").user("u" + i).time(Instant.EPOCH).build());
        }
        audit.close(); // writes what is queued first
        ObjectMapper json = new ObjectMapper();
        List<String> users = new ArrayList<>();
        for (String line : allLines(DataDirs.auditLog(dir), 5)) {
            users.add(json.readTree(line).get("user").asText());
        }
        assertThat(users)
                .containsExactlyElementsOf(
                        IntStream.range(0, 100).mapToObj(i -> "u" + i).toList());
        assertThat(files()).hasSizeBetween(2, 6);
        assertThat(events).hasSize(100).allMatch(e -> e.kind() == PoolEvent.Kind.AUDIT);
    }

    /** A line of 100 bytes with its line feed. */
    private static String line(int i) {
        String head = "line " + i + " ";
        return head + "x".repeat(99 - head.length());
    }

    private static List<String> expected(int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add(line(i));
        }
        return lines;
    }

    /** The lines of name.keep ... name.1, then name: oldest first. */
    private static List<String> allLines(Path log, int keep) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = keep; i >= 1; i--) {
            Path rotated = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(rotated)) {
                lines.addAll(Files.readAllLines(rotated));
            }
        }
        lines.addAll(Files.readAllLines(log));
        return lines;
    }

    private List<String> files() throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
