package io.pooldisk.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts one worker process; the master appends the worker's own arguments. The default runs the
 * worker class on this JVM's java with flags that keep it small (docs/ARCHITECTURE.md, "Small workers": serial GC,
 * small heap, one C2 compiler, native heap trimmed).
 *
 * @param command the program and its leading arguments
 */
public record WorkerLauncher(List<String> command) {

    public static final String WORKER_MAIN = "io.pooldisk.worker.WorkerMain";

    /**
     * JVM flags for a worker: a few tens of megabytes instead of the default's 65 MB or more. C2 stays on: without it
     * (TieredStopAtLevel=1) SHA-256 loses its CPU intrinsic and runs ten times slower, and every upload is hashed.
     *
     * <p>-TieredCompilation: C2 only, one compiler thread. C1's profiled code and the C1-to-C2 recompiles it leads to
     * are what grew a worker under ECHO load: code cache 3.7-4.4 MB down to 2.6 MB, and resident memory after 15 s of
     * ECHO load 52-63 MB down to 47-48 MB (with {@link #NATIVE_HEAP_TRIM}). Start-up costs the same CPU (about 0.8 s
     * to hello, interpreted instead of C1-compiled) and hashing still gets C2's SHA-256 intrinsic.
     */
    public static final List<String> SMALL_JVM_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-Xms4m",
            "-Xmx32m",
            "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30",
            "-Xss512k",
            "-XX:-TieredCompilation",
            "-XX:CICompilerCount=1",
            "-XX:ReservedCodeCacheSize=24m",
            "-XX:MaxMetaspaceSize=64m",
            "-XX:-UsePerfData",
            "-Xshare:auto",
            "-Djava.awt.headless=true");

    /**
     * Returns freed C heap to the system every second (malloc_trim). A C2 compilation borrows up to 15-30 MB of arena
     * memory and frees it, but glibc keeps the pages, so each worker kept 62-87 MB after load; trimmed, 47-60 MB. One
     * trim costs 0.2-1.3 ms on the trimmer's own thread. Backported to 17.0.9 as experimental, a product flag since
     * 17.0.11: {@link #supportsNativeHeapTrim} says which JVMs know it, since an unknown -XX flag stops the JVM.
     */
    static final List<String> NATIVE_HEAP_TRIM =
            List.of("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=1000");

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
        if (supportsNativeHeapTrim(Runtime.version())) {
            cmd.addAll(NATIVE_HEAP_TRIM); // workers run on this JVM (java.home), so its version is theirs
        }
        String extra = System.getenv(EXTRA_OPTIONS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WORKER_MAIN);
        return new WorkerLauncher(cmd);
    }

    /** True for the JVMs that have -XX:TrimNativeHeapInterval (JDK-8293114): 17.0.9 and later 17s, 21.0.1+, 22+. */
    static boolean supportsNativeHeapTrim(Runtime.Version version) {
        return switch (version.feature()) {
            case 17 -> version.update() >= 9;
            case 18, 19, 20 -> false;
            case 21 -> version.update() >= 1;
            default -> version.feature() > 21;
        };
    }
}
