package io.pooldisk.pool;

import java.time.Instant;

/**
 * One worker slot in a snapshot.
 *
 * @param slot        stable slot number (a replacement keeps its predecessor's slot)
 * @param pid         process id, 0 while none runs in the slot
 * @param state       what the worker is doing
 * @param command     the command in progress, or "" when none
 * @param client      the client address of the session it serves, or ""
 * @param user        the user logged in on that session, or ""
 * @param sessionId   the session it serves, or 0
 * @param bytes       bytes moved by the command in progress so far
 * @param requests    commands this process has served
 * @param startedAt   when this process was spawned
 * @param rssBytes    resident memory of the process (0 when unknown)
 */
public record WorkerInfo(
        int slot,
        int pid,
        WorkerState state,
        String command,
        String client,
        String user,
        long sessionId,
        long bytes,
        long requests,
        Instant startedAt,
        long rssBytes) {}
