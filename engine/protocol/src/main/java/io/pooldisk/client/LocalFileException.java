package io.pooldisk.client;

import io.pooldisk.protocol.IoMessages;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file on this computer could not be read or written: "cannot read /home/ann/nope.txt: no such file or directory".
 * Nothing to do with the server or the network, so nothing a retry or a reconnect would fix.
 */
public final class LocalFileException extends IOException {

    public LocalFileException(String what, Path path, IOException cause) {
        super(IoMessages.describe(what, path, cause), cause);
    }

    public LocalFileException(String message) {
        super(message);
    }
}
