package io.pooldisk.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a process, from /proc. */
final class ProcessMemory {

    private static final long PAGE = 4096;

    private ProcessMemory() {}

    /** Bytes of the process's resident set, or 0 when it cannot be read. */
    static long residentBytes(int pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String[] statm = Files.readString(Path.of("/proc", Integer.toString(pid), "statm"))
                    .trim()
                    .split(" ");
            return Long.parseLong(statm[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
