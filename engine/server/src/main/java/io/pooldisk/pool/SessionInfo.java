package io.pooldisk.pool;

import java.time.Instant;

/**
 * One client session in a snapshot. Sessions live in the master; a worker only borrows them.
 *
 * @param id         session number, unique for the life of the server
 * @param client     remote address, "host:port"
 * @param user       logged-in user, or ""
 * @param workerPid  pid of the worker serving it now, 0 when parked in the master, -1 when queued
 * @param since      when the connection was accepted
 * @param bytesIn    bytes received from the client so far
 * @param bytesOut   bytes sent to the client so far
 */
public record SessionInfo(
        long id, String client, String user, int workerPid, Instant since, long bytesIn, long bytesOut) {}
