package io.pooldisk.console;

import io.pooldisk.auth.Accounts;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.PoolConfig;
import io.pooldisk.pool.PoolEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.event.ActionEvent;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.stage.Window;
import javax.imageio.ImageIO;

/**
 * Regenerates screenshots/*.png from the real console under load (run by scripts/screenshots.sh, headless under
 * Monocle). Eight workers; two clients that each keep a worker (busy or lingering) and three that sit parked; when
 * its path is given, the C load generator drives the server at full speed with 4 threads for 30 s first, while this
 * measures how long the FX thread takes to answer. The pictures are taken after that burst, which the charts still
 * show. Arguments: OUTPUT_DIR [LOADGEN_BINARY].
 */
public final class ScreenshotMain {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 800;

    private ScreenshotMain() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path data = Files.createTempDirectory("pooldisk-screens");
        Platform.startup(() -> {});
        PoolConfig config = PoolConfig.builder()
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .workers(8)
                .dataDir(data)
                .linger(Duration.ofSeconds(1))
                .build();
        SettingsModel settings = SettingsModel.of(config);
        PoolController controller = new PoolController();
        ConsoleView view = fx(() -> {
            ConsoleApp.useTheme();
            ConsoleView console = new ConsoleView(controller, settings);
            Stage stage = new Stage();
            stage.setScene(new Scene(console, WIDTH, HEIGHT));
            stage.show();
            controller.start(settings);
            return console;
        });
        while (controller.statusProperty().get() != PoolController.Status.RUNNING) {
            if (!controller.failureProperty().get().isEmpty()) {
                throw new IllegalStateException(controller.failureProperty().get());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        int port = controller.server().orElseThrow().address().getPort();
        try (DiskStore store = DiskStore.open(data)) {
            Accounts.of(store).add("alice", "correct horse".toCharArray(), 10L << 30);
            Accounts.of(store).add("bob", "battery staple".toCharArray(), 0);
            Accounts.of(store).add("carol.w", "tr0ub4dor".toCharArray(), 512L << 20);
        }
        List<Socket> parked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            parked.add(client(port, "ECHO hello from a quiet client"));
        }
        List<Thread> chatty = List.of(chatty(port, "ECHO upload holiday-photos.zip"), chatty(port, "ECHO list /docs"));
        Process loadgen = args.length > 1
                ? new ProcessBuilder(args[1], "--line", "ECHO hello", "127.0.0.1", Integer.toString(port), "4", "30")
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .start()
                : null;

        List<Long> lags = measureFxLag(Duration.ofSeconds(30));
        if (loadgen != null) {
            loadgen.waitFor(30, TimeUnit.SECONDS);
        }
        TimeUnit.SECONDS.sleep(3);
        fx(() -> {
            controller.model().selectedSlotProperty().set(1);
            @SuppressWarnings("unchecked")
            ComboBox<PoolEvent.Level> level = (ComboBox<PoolEvent.Level>) view.lookup("#logLevel");
            level.setValue(PoolEvent.Level.DEBUG);
            return null;
        });
        shoot(view, 0, out.resolve("pool.png"));
        resize(view, 1280, 720); // an ordinary laptop screen: the grid still shows all eight workers
        shoot(view, 0, out.resolve("pool-1280x720.png"));
        resize(view, WIDTH, HEIGHT);
        shoot(view, 1, out.resolve("sessions.png"));
        shoot(view, 2, out.resolve("log.png"));
        fx(() -> {
            TextField text = (TextField) view.lookup("#echoText");
            for (String line : List.of(
                    "hello pool", "who answers?", "网盘", "a longer line, which the pane wraps: 你好，世界 (hello, world)")) {
                text.setText(line);
                text.fireEvent(new ActionEvent());
            }
            return null;
        });
        TimeUnit.SECONDS.sleep(2);
        shoot(view, 3, out.resolve("users.png"));
        shoot(view, 4, out.resolve("client.png"));
        shoot(view, 5, out.resolve("settings.png"));

        chatty.forEach(Thread::interrupt);
        for (Socket socket : parked) {
            socket.close();
        }
        fx(() -> {
            view.close();
            return null;
        });
        controller.close();
        lags.sort(null);
        System.out.printf(
                "FX thread answered %d pings during the load: median %d ms, p99 %d ms, max %d ms%n",
                lags.size(), lags.get(lags.size() / 2), lags.get(lags.size() * 99 / 100), lags.get(lags.size() - 1));
        Platform.exit();
        System.exit(0);
    }

    /** Pings the FX thread every 50 ms for the duration; returns each round trip in milliseconds. */
    private static List<Long> measureFxLag(Duration duration) throws Exception {
        List<Long> lags = new ArrayList<>();
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            long sent = System.nanoTime();
            fx(() -> null);
            lags.add((System.nanoTime() - sent) / 1_000_000);
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return lags;
    }

    private static void resize(ConsoleView view, double width, double height) throws Exception {
        fx(() -> {
            Window window = view.getScene().getWindow();
            window.setWidth(width);
            window.setHeight(height);
            return null;
        });
    }

    private static void shoot(ConsoleView view, int tab, Path file) throws Exception {
        fx(() -> {
            view.tabs().getSelectionModel().select(tab);
            return null;
        });
        TimeUnit.MILLISECONDS.sleep(1500);
        WritableImage image = fx(() -> view.getScene().snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
        System.out.println("wrote " + file);
    }

    /** A client that sends one line, reads the answer and then stays quiet (its session gets parked). */
    private static Socket client(int port, String line) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        socket.getInputStream().read(new byte[256]);
        return socket;
    }

    /** A client that sends a line every 300 ms, so it keeps its worker (the linger is 1 s): busy, then lingering. */
    private static Thread chatty(int port, String line) {
        Thread thread = new Thread(
                () -> {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        byte[] reply = new byte[256];
                        while (!Thread.currentThread().isInterrupted()) {
                            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                            socket.getInputStream().read(reply);
                            Thread.sleep(300);
                        }
                    } catch (IOException | InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "chatty-client");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static <T> T fx(Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }
}
