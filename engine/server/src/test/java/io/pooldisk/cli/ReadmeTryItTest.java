package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pooldisk.protocol.DefaultAddress;
import io.pooldisk.testing.Procfs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Try it" block, read from the README itself and run as written by bash on a terminal (util-linux's
 * {@code script} gives it one, so the password prompts work as they do for a person: each prompt gets the password).
 * Two things differ from a person's run, both outside the block's text: {@code pooldisk} is this build's classes
 * rather than the jar (which {@code mvn verify} has not packaged yet when tests run), and the data directory
 * {@code /tmp/pooldisk} is a fresh temporary one. After a command sent to the background (the server), the script
 * waits until the server answers an ECHO, as a person reading its output would.
 */
class ReadmeTryItTest {

    private static final String PASSWORD = "correct horse battery";
    private static final Pattern PROMPT = Pattern.compile("(?i)password for \\w+: |Again: ");

    @TempDir
    Path tmp;

    @Test
    void everyCommandOfTheTryItBlockWorksOnAFreshDataDirectory() throws Exception {
        Path root = repositoryRoot();
        List<String> block = tryItBlock(Files.readAllLines(root.resolve("README.md")));
        assertThat(block).as("the README's Try it block").isNotEmpty();
        assertThat(portIsFree(DefaultAddress.PORT))
                .as("the block uses the default port " + DefaultAddress.PORT + ", which must be free for this test")
                .isTrue();

        Path data = tmp.resolve("pooldisk");
        StringBuilder script = new StringBuilder()
                .append("set -eu -o pipefail\n")
                // At the end, TERM to the script's whole process group: the background server is a java process under
                // a subshell, and it no longer ends when the terminal hangs up (SIGHUP replaces its workers).
                .append("trap 'trap \"\" TERM; kill -TERM 0; wait' EXIT\n")
                .append("pooldisk() { '")
                .append(Path.of(System.getProperty("java.home"), "bin", "java"))
                .append("' --add-exports java.base/sun.nio.ch=ALL-UNNAMED -cp '")
                .append(System.getProperty("java.class.path"))
                .append("' io.pooldisk.cli.PoolDiskCommand \"$@\"; }\n");
        for (String line : block) {
            if (line.startsWith("alias pooldisk=")) {
                continue; // the function above stands for it
            }
            String command = line.replace("/tmp/pooldisk", data.toString());
            script.append("echo '$ ").append(command.replace("'", "'\\''")).append("'\n");
            script.append(command).append('\n');
            if (command.replaceAll("#.*", "").strip().endsWith("&")) {
                script.append("until printf 'ECHO ready\\nQUIT\\n' | nc 127.0.0.1 ")
                        .append(DefaultAddress.PORT)
                        .append(" 2>/dev/null | grep -q PROCESS; do sleep 0.2; done\n");
            }
        }
        Path file = Files.writeString(tmp.resolve("try-it.sh"), script);

        // script(1) runs its command under $SHELL -c; exec leaves bash alone in the process group that the EXIT trap
        // ends (dash, a common /bin/sh, would otherwise be in it too and die of the TERM, failing the run with 143).
        Process p = new ProcessBuilder("script", "-qec", "exec bash " + file, "/dev/null")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("transcript.txt").toFile())
                .start();
        // A JVM reading its console takes all the input a terminal holds, so each password is typed at its prompt.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        int answered = 0;
        try (OutputStream typing = p.getOutputStream()) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                long prompts = PROMPT.matcher(Files.readString(tmp.resolve("transcript.txt")))
                        .results()
                        .count();
                for (; answered < prompts; answered++) {
                    typing.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
                    typing.flush();
                }
                p.waitFor(50, TimeUnit.MILLISECONDS); // the condition: the process ends or a prompt appears
            }
        }
        boolean finished = !p.isAlive();
        String transcript = Files.readString(tmp.resolve("transcript.txt"));
        if (!finished) {
            p.destroyForcibly();
        }
        // The server was sent TERM as the script ended: it stops gracefully, its workers with it.
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Procfs.pidsWithArgument(data.toString()).isEmpty());
        } finally {
            for (long pid : Procfs.pidsWithArgument(data.toString())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        assertThat(finished).as(transcript).isTrue();
        assertThat(p.exitValue()).as(transcript).isZero();
        assertThat(transcript)
                .contains("stored /docs/read me.md")
                .contains("read me.md")
                .containsPattern("OK PROCESS\\[PID \\d+\\]: HELLO")
                .contains("OK bye")
                .doesNotContain("ERR ")
                .doesNotContain("Exception");
    }

    /** The first indented block after the paragraph that starts "Try it". */
    static List<String> tryItBlock(List<String> readme) {
        List<String> block = new ArrayList<>();
        int i = 0;
        while (i < readme.size() && !readme.get(i).startsWith("Try it")) {
            i++;
        }
        while (i < readme.size() && !readme.get(i).startsWith("    ")) {
            i++;
        }
        while (i < readme.size() && readme.get(i).startsWith("    ")) {
            block.add(readme.get(i++).strip());
        }
        return block;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("engine"))) {
                return dir;
            }
        }
        throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
