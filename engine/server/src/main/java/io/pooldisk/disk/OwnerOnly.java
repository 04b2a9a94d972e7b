package io.pooldisk.disk;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The data directory and everything the server creates in it are its owner's alone: directories 0700, files 0600,
 * whatever the umask and whatever mode an existing directory had. It holds every user's files, their names and the
 * SCRAM verifiers. A mode given at creation can only lose bits to the umask, never gain them.
 */
public final class OwnerOnly {

    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {}

    /** For files opened with CREATE: 0600 (FileChannel.open takes it). */
    public static FileAttribute<Set<PosixFilePermission>> fileMode() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    /** For directories created on the way to a file: 0700. */
    public static FileAttribute<Set<PosixFilePermission>> directoryMode() {
        return PosixFilePermissions.asFileAttribute(DIRECTORY);
    }

    /**
     * Creates {@code dir} 0700 (missing parents as the umask makes them), or makes an existing one 0700. Returns the
     * mode it had when that was different ("rwxr-xr-x"), so the caller may say so; null otherwise.
     */
    public static String directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, directoryMode());
            } catch (FileAlreadyExistsException e) {
                // another process made it first, or a file is in the way: checked below
            }
            if (!Files.isDirectory(dir)) {
                throw new FileAlreadyExistsException(dir.toString(), null, "a file of that name exists");
            }
        }
        return restrict(dir, DIRECTORY);
    }

    /** Creates {@code file} empty and 0600 unless it exists; an existing one is made 0600. Same result as above. */
    public static String file(Path file) throws IOException {
        try {
            Files.createFile(file, fileMode());
        } catch (FileAlreadyExistsException e) {
            // another process made it first, or an earlier run: its mode is checked below
        }
        return restrict(file, FILE);
    }

    /** Makes {@code file} 0600 if it exists (a file someone else creates, from a mode this one has). */
    public static void ifExists(Path file) throws IOException {
        try {
            restrict(file, FILE);
        } catch (NoSuchFileException e) {
            // nothing to restrict
        }
    }

    private static String restrict(Path path, Set<PosixFilePermission> mode) throws IOException {
        Set<PosixFilePermission> was = Files.getPosixFilePermissions(path);
        if (was.equals(mode)) {
            return null;
        }
        Files.setPosixFilePermissions(path, mode);
        return PosixFilePermissions.toString(was);
    }
}
