package io.pooldisk.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts one worker process; the master appends the worker's own arguments. The default runs the
 * worker class on this JVM's java with flags that keep it small (DESIGN.md §4: serial GC, small heap, C1 only).
 *
 * @param command the program and its leading arguments
 */
public record WorkerLauncher(List<String> command) {

    public static final String WORKER_MAIN = "io.pooldisk.worker.WorkerMain";

    /**
     * JVM flags for a worker: a few tens of megabytes instead of the default's 65 MB or more. C2 stays on: without it
     * (TieredStopAtLevel=1) SHA-256 loses its CPU intrinsic and runs ten times slower, and every upload is hashed.
     */
    public static final List<String> SMALL_JVM_FLAGS = List.of(
            "-XX:+UseSerialGC", "-Xms4m", "-Xmx32m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-Xss512k", "-XX:CICompilerCount=2",
            "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=64m", "-XX:-UsePerfData", "-Xshare:auto",
            "-Djava.awt.headless=true");

    public WorkerLauncher {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty worker command");
        }
    }

    /** Extra JVM options for workers, appended after the defaults (so they win): {@value}. */
    public static final String EXTRA_OPTIONS_VARIABLE = "POOLDISK_WORKER_JAVA_OPTS";

    /** Set by a jpackage launcher to its own path (e.g. /opt/pooldisk/bin/PoolDisk); absent under plain java. */
    static final String JPACKAGE_APP_PATH = "jpackage.app-path";

    /** The installed command-line launcher, beside the app's other launchers; its hidden subcommand runs a worker. */
    static final String PACKAGED_COMMAND = "pooldisk";

    /**
     * Workers run on the JVM and class path of this process. The installed app (jpackage, app/pom.xml's installer
     * profile) keeps bin/java in its bundled runtime, so there too workers run on that runtime with the small flags.
     * A jpackage runtime linked without bin/java (jpackage's default jlink options strip it) falls back to the
     * sibling {@value #PACKAGED_COMMAND} launcher's hidden {@code worker} subcommand, so an installed app never starts
     * another java from the PATH; those workers get the launcher's JVM options, not {@link #SMALL_JVM_FLAGS}
     * (measured: about 70 MB each instead of 45-50 MB, and slower to start), hence bin/java is kept.
     */
    public static WorkerLauncher currentJvm() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String appPath = System.getProperty(JPACKAGE_APP_PATH);
        if (!Files.isExecutable(java) && appPath != null) {
            Path launcher = Path.of(appPath).resolveSibling(PACKAGED_COMMAND);
            if (Files.isExecutable(launcher)) {
                // env -u: the launcher put _JPACKAGE_LAUNCHER in this process's environment, which the master passes
                // on; a launcher that finds it takes its arguments for a java command line ("main class worker").
                // "--": the worker's own options follow, which the subcommand's parser would reject as unknown.
                return new WorkerLauncher(
                        List.of("/usr/bin/env", "-u", "_JPACKAGE_LAUNCHER", launcher.toString(), "worker", "--"));
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(java) ? java.toString() : "java");
        cmd.addAll(SMALL_JVM_FLAGS);
        String extra = System.getenv(EXTRA_OPTIONS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WORKER_MAIN);
        return new WorkerLauncher(cmd);
    }
}
