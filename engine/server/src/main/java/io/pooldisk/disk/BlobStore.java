package io.pooldisk.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Content-addressed blobs: {@code blobs/ab/abcdef...}, named by their SHA-256, so equal files are stored once. Only a
 * verified part file ever becomes a blob, and a blob never changes; a blob no entry points at is garbage.
 */
final class BlobStore {

    private final Path root;

    BlobStore(Path root) {
        this.root = root;
    }

    /** Where the blob of a (validated) hash lives. */
    Path path(String sha256) {
        return root.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    boolean holds(String sha256, long size) {
        try {
            return Files.size(path(sha256)) == size;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes a verified, flushed part file the blob of its hash: renamed into place, or dropped when that content is
     * already stored. The rename is atomic: a blob is whole or absent.
     */
    void adopt(Path part, String sha256) throws IOException {
        Path blob = path(sha256);
        if (Files.exists(blob)) {
            Files.delete(part);
            return;
        }
        Files.createDirectories(blob.getParent(), OwnerOnly.directoryMode());
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(blob.getParent());
    }

    /** Deletes a blob; returns the bytes freed. */
    long delete(String sha256) throws IOException {
        Path blob = path(sha256);
        try {
            long size = Files.size(blob);
            Files.delete(blob);
            return size;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** The hashes of every blob stored. */
    List<String> all() throws IOException {
        List<String> hashes = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return hashes;
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f]{64}"))
                    .forEach(hashes::add);
        }
        return hashes;
    }

    /** Makes a rename durable: without it a crash may lose the new name while the database keeps the row. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
