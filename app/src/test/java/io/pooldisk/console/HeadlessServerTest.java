package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Keep running headless" in a process of its own: the console's server outlives its {@code main} (the FX toolkit's
 * end) and serves, and SIGTERM stops it gracefully, as it stops {@code pooldisk serve}.
 */
class HeadlessServerTest {

    @TempDir
    Path tmp;

    @Test
    void theKeptServerOutlivesMainServesAndStopsOnSigterm() throws Exception {
        Path out = tmp.resolve("stdout.txt");
        Path err = tmp.resolve("stderr.txt");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-exports",
                        "java.base/sun.nio.ch=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HeadlessKeepMain.class.getName(),
                        tmp.resolve("data").toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            AtomicInteger port = new AtomicInteger();
            Pattern kept = Pattern.compile("kept on port (\\d+)");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        Matcher m = kept.matcher(Files.readString(out));
                        if (m.find()) {
                            port.set(Integer.parseInt(m.group(1)));
                        }
                        return port.get() != 0 || !process.isAlive();
                    });
            assertThat(process.isAlive())
                    .as("alive after main returned: " + Files.readString(err))
                    .isTrue();
            assertThat(Files.readString(err)).contains("keeps running headless");

            try (Socket client = new Socket("127.0.0.1", port.get())) {
                client.setSoTimeout(30_000);
                OutputStream o = client.getOutputStream();
                o.write("ECHO still here\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
                assertThat(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                                .readLine())
                        .contains("STILL HERE");
            }

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped on SIGTERM")
                    .isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }
}
