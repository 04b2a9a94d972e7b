package io.pooldisk.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code pooldisk} command run as a real process of its own, on this test's class path. */
public final class PoolDiskProcess implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("PoolDisk listening on (.+):(\\d+) with \\d+ workers? \\(pids ([\\d ]+)\\)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private PoolDiskProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static PoolDiskProcess start(Path workDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.pooldisk.cli.PoolDiskCommand"));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new PoolDiskProcess(p, out, err);
    }

    /** Runs a command to its end and returns its exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pooldisk did not finish within " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** Waits for the serve command's "listening" line; returns its port and worker pids. */
    public Listening awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(stdout());
            if (m.find()) {
                List<Long> pids = new ArrayList<>();
                for (String pid : m.group(3).trim().split(" ")) {
                    pids.add(Long.parseLong(pid));
                }
                return new Listening(Integer.parseInt(m.group(2)), pids);
            }
            if (!process.isAlive()) {
                throw new AssertionError("pooldisk serve exited with " + process.exitValue() + ": " + stderr());
            }
            Thread.sleep(20); // polling a file the child writes; the condition is the line appearing
        }
        throw new AssertionError("pooldisk serve did not start; stderr: " + stderr());
    }

    public record Listening(int port, List<Long> workerPids) {}

    public Process process() {
        return process;
    }

    public String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    public String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
