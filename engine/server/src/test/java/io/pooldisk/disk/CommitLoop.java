package io.pooldisk.disk;

import java.nio.file.Path;

/** A second process for cross-process tests: commits one content to one path, again and again. */
public final class CommitLoop {

    private CommitLoop() {}

    /** Arguments: data directory, user, path, content size, content seed, rounds. */
    public static void main(String[] args) throws Exception {
        byte[] content = Content.bytes(Integer.parseInt(args[3]), Long.parseLong(args[4]));
        try (DiskStore store = DiskStore.open(Path.of(args[0]))) {
            for (int round = 0; round < Integer.parseInt(args[5]); round++) {
                Content.put(store.uploads(args[1]), args[2], content);
            }
        }
    }
}
