package io.pooldisk.control;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker process is told on its command line by the master.
 *
 * @param masterPid         the master's pid: a worker whose parent is another process leaves at once
 * @param dataDir           the data directory (storage, accounts); null for a pool without a disk
 * @param linger            how long a worker may wait for its client while no other session needs it
 * @param loginMaxFailures  failed logins from one address allowed within loginWindow
 * @param loginWindow       the window failed logins are counted in
 * @param loginBan          how long an address that failed too often is refused
 * @param instantUploads    the content users may upload instantly, proving possession instead of sending it, as
 *                          written on the command line: {@code own}, {@code all} or {@code off}
 *                          ({@code InstantUploadPolicy.option()}; the worker parses it when it starts)
 */
public record WorkerOptions(
        int masterPid,
        Path dataDir,
        Duration linger,
        int loginMaxFailures,
        Duration loginWindow,
        Duration loginBan,
        String instantUploads) {

    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(
                "--master-pid",
                Integer.toString(masterPid),
                "--linger-ms",
                Long.toString(linger.toMillis()),
                "--login-max-failures",
                Integer.toString(loginMaxFailures),
                "--login-window-ms",
                Long.toString(loginWindow.toMillis()),
                "--login-ban-ms",
                Long.toString(loginBan.toMillis()),
                "--instant-upload",
                instantUploads));
        if (dataDir != null) {
            args.addAll(List.of("--data", dataDir.toString()));
        }
        return args;
    }

    public static WorkerOptions parse(String[] args) {
        return new WorkerOptions(
                (int) number(args, "--master-pid", -1),
                text(args, "--data") == null ? null : Path.of(text(args, "--data")),
                Duration.ofMillis(number(args, "--linger-ms", 50)),
                (int) number(args, "--login-max-failures", 5),
                Duration.ofMillis(number(args, "--login-window-ms", 60_000)),
                Duration.ofMillis(number(args, "--login-ban-ms", 300_000)),
                text(args, "--instant-upload") == null ? "own" : text(args, "--instant-upload"));
    }

    private static String text(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }

    private static long number(String[] args, String name, long fallback) {
        String v = text(args, name);
        return v == null ? fallback : Long.parseLong(v);
    }
}
