package io.pooldisk.disk;

import java.time.Instant;

/** One name in a user's namespace: a file (pointing at a blob by its SHA-256) or a directory. */
public record Entry(String path, String name, Kind kind, long size, Instant modified, String sha256) {

    public enum Kind {
        FILE,
        DIR
    }

    public boolean isDirectory() {
        return kind == Kind.DIR;
    }
}
