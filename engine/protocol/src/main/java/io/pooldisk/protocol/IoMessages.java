package io.pooldisk.protocol;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The operating system's reason for a failed file operation, in a person's words. Java names many of them only by
 * the exception's class and puts the bare path in the message ({@code NoSuchFileException: /tmp/x}), which read alone
 * says nothing; the server and the clients both say "what: the path: why" with this.
 */
public final class IoMessages {

    private IoMessages() {}

    /** Why {@code e} happened: "no such file or directory", "permission denied", "Read-only file system", ... */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : String.valueOf(f.getMessage());
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** "{@code what} {@code path}: reason", e.g. "cannot read /home/ann/nope.txt: no such file or directory". */
    public static String describe(String what, Path path, IOException e) {
        return what + " " + path + ": " + reason(e);
    }
}
