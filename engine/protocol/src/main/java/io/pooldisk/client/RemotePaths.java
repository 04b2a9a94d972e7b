package io.pooldisk.client;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths on the server as a shell user writes them, made absolute on the client: relative to a working directory, with
 * "." and ".." resolved ("/.." is "/", as in a shell). The wire protocol takes no "." or ".."; clients send what this
 * returns.
 */
public final class RemotePaths {

    private RemotePaths() {}

    /** {@code path} read from {@code cwd} (absolute), as one absolute path without "." or "..". */
    public static String resolve(String cwd, String path) {
        Deque<String> parts = new ArrayDeque<>();
        String whole = path.startsWith("/") ? path : cwd + "/" + path;
        for (String part : whole.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** The directory that holds {@code path} (absolute): "/" for "/a", "/a" for "/a/b". */
    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** The last name of {@code path}: "b" for "/a/b", "" for "/". */
    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
