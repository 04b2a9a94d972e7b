package io.pooldisk.client;

import java.time.Instant;

/**
 * A file or directory on the server, as LIST and STAT describe it.
 *
 * @param name      the name (LIST) or the full path (STAT, MKDIR, MV, uploads)
 * @param directory whether it is a directory
 * @param size      bytes (0 for a directory)
 * @param modified  last change
 * @param sha256    lowercase hex, "" for a directory
 */
public record RemoteEntry(String name, boolean directory, long size, Instant modified, String sha256) {}
