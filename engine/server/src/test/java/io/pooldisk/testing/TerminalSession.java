package io.pooldisk.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A command run on a terminal of its own (util-linux's {@code script} makes a pseudo-terminal), typed at as a person
 * would: wait for some text on the screen, then type a line. What the terminal shows is kept in a file.
 */
public final class TerminalSession implements AutoCloseable {

    private final Process process;
    private final Path screen;
    private final OutputStream keyboard;
    private int seen; // how much of the screen the expectations have consumed

    private TerminalSession(Process process, Path screen) {
        this.process = process;
        this.screen = screen;
        this.keyboard = process.getOutputStream();
    }

    /** Starts {@code command} (a shell command line) on a new terminal, in {@code dir}, with extra environment. */
    public static TerminalSession start(Path dir, Path screen, String command, String... env) throws IOException {
        // script's terminal has no size of its own; line editors need one to draw their prompt
        String sized = "stty cols 160 rows 48; exec " + command;
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", sized, "/dev/null")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(screen.toFile());
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        return new TerminalSession(pb.start(), screen);
    }

    /** Waits until the screen shows {@code regex} after what earlier expectations matched; returns the match. */
    public String expect(String regex, Duration timeout) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = screen();
            var m = pattern.matcher(text);
            if (m.find(Math.min(seen, text.length()))) {
                seen = m.end();
                return m.group();
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the terminal never showed /" + regex + "/"
                        + (process.isAlive() ? "" : " (the command ended)") + "; it shows:\n" + text);
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // the condition: new output, or the end
        }
    }

    /** Types {@code keys} as they are, without Enter ("\t" is Tab). */
    public void keys(String keys) throws IOException {
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Types {@code line} and Enter. */
    public void type(String line) throws IOException {
        keyboard.write((line + "\r").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Waits for the command to end; returns its exit code. */
    public int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command did not end; the terminal shows:\n" + screen());
        }
        return process.exitValue();
    }

    public String screen() throws IOException {
        return Files.readString(screen, StandardCharsets.UTF_8);
    }

    /**
     * The java command that runs {@code pooldisk} from this build's classes, quoted for a shell, with {@code home} as
     * its home directory.
     */
    public static String pooldisk(Path home, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home,
                "-cp",
                System.getProperty("java.class.path"),
                "io.pooldisk.cli.PoolDiskCommand"));
        cmd.addAll(List.of(args));
        StringBuilder line = new StringBuilder();
        for (String word : cmd) {
            line.append(line.length() == 0 ? "" : " ")
                    .append("'")
                    .append(word.replace("'", "'\\''"))
                    .append("'");
        }
        return line.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
