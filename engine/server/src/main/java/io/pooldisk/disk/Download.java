package io.pooldisk.disk;

import io.pooldisk.unix.FileDescriptor;
import java.io.Closeable;
import java.nio.file.Path;

/**
 * A file to send: its entry and the blob holding its verified content, already open as {@code fd}. Holding the
 * descriptor keeps the bytes readable even if the file is deleted or replaced and its blob collected before the
 * transfer ends. Close it when the transfer is over.
 */
public record Download(Entry entry, Path blob, FileDescriptor fd) implements Closeable {

    @Override
    public void close() {
        fd.close();
    }
}
