package io.pooldisk.pool;

import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A descriptor for the sessions of tests that never read or write their client's connection: /dev/null. */
final class StandInConnection {

    private StandInConnection() {}

    static FileDescriptor open() {
        try {
            return FileDescriptor.openForReading(Path.of("/dev/null"));
        } catch (NativeException e) {
            throw new UncheckedIOException(e);
        }
    }
}
