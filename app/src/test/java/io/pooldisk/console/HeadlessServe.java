package io.pooldisk.console;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code pooldisk serve} as a real process of its own, on this test's class path: what the console attaches to. */
final class HeadlessServe implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("PoolDisk listening on (.+):(\\d+) with \\d+ workers? \\(pids ([\\d ]+)\\)");

    private final Process process;
    private final Path stderr;
    final int port;
    final List<Integer> pids;

    private HeadlessServe(Process process, Path stderr, int port, List<Integer> pids) {
        this.process = process;
        this.stderr = stderr;
        this.port = port;
        this.pids = pids;
    }

    /** Starts {@code pooldisk serve --port 0 --workers 2 --data DIR} and waits for its "listening" line. */
    static HeadlessServe start(Path dataDir, Path logs) throws IOException {
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, "stdout", ".txt");
        Path err = Files.createTempFile(logs, "stderr", ".txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-exports",
                        "java.base/sun.nio.ch=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.pooldisk.cli.PoolDiskCommand",
                        "serve",
                        "--port",
                        "0",
                        "--workers",
                        "2",
                        "--data",
                        dataDir.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        AtomicReference<Matcher> listening = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("pooldisk serve exited: " + Files.readString(err));
                        }
                        Matcher m = LISTENING.matcher(Files.readString(out, StandardCharsets.UTF_8));
                        if (m.find()) {
                            listening.set(m);
                        }
                        return listening.get() != null;
                    });
        } catch (RuntimeException | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
        Matcher m = listening.get();
        List<Integer> pids = new ArrayList<>();
        for (String pid : m.group(3).trim().split(" ")) {
            pids.add(Integer.valueOf(pid));
        }
        return new HeadlessServe(
                p, err, Integer.parseInt(m.group(2)), pids.stream().sorted().toList());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as an administrator stops it, and waits for it to end. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
