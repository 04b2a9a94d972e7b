package io.pooldisk.clientgui;

import io.pooldisk.client.DiskClientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/** Turns what went wrong into a sentence for people, and tells a dropped connection from a refusal. */
final class Errors {

    private Errors() {
    }

    /** Nobody is logged in, or the user asked to stop: no retry will help. */
    static final class NotConnectedException extends IOException {
        NotConnectedException() {
            super("Not connected: connect to a server first.");
        }
    }

    /**
     * Whether {@code e} means the connection is gone (worker died, server restarted, network dropped, server busy) so
     * that connecting again and repeating the command may well work.
     */
    static boolean dropped(Throwable e) {
        if (e instanceof NotConnectedException) {
            return false;
        }
        if (e instanceof DiskClientException d) {
            return switch (d.code()) {
                case 0, 408, 500, 503, 504 -> true;
                default -> false;
            };
        }
        return e instanceof IOException;
    }

    /** A sentence about failing to connect to host:port. */
    static String connecting(Throwable e, String host, int port) {
        String where = host + ":" + port;
        if (e instanceof ConnectException) {
            return "Connection refused: no PoolDisk server is listening on " + where + ". Is it running?";
        }
        if (e instanceof UnknownHostException || e instanceof UnresolvedAddressException) {
            return "Unknown host \"" + host + "\": check the name.";
        }
        if (e instanceof NoRouteToHostException) {
            return "No route to " + where + ": check the network.";
        }
        if (e instanceof SocketTimeoutException) {
            return "No answer from " + where + " (timed out).";
        }
        if (e instanceof DiskClientException d && d.code() == 401) {
            return "Wrong user name or password.";
        }
        return explain(e);
    }

    /** A sentence about any failure. */
    static String explain(Throwable e) {
        if (e instanceof DiskClientException d) {
            String said = d.getMessage();
            return switch (d.code()) {
                case 0 -> "Connection lost: " + said + ".";
                case 401 -> said.contains("log in") ? "Not logged in: connect with a user name and password."
                        : "Wrong user name or password.";
                case 404 -> "Not found: " + said + ".";
                case 409 -> "Conflict: " + said + ".";
                case 412 -> "Verification failed: " + said + ".";
                case 429 -> "Login refused for a while: " + said + ".";
                case 500 -> "The worker serving this session died (" + said + ").";
                case 503 -> "The server is busy: every worker is occupied and the wait queue is full. "
                        + "Try again in a moment.";
                case 504 -> "The server gave up on a command that made no progress (" + said + ").";
                case 507 -> "Not enough space: " + said + ".";
                default -> "The server said: " + said + " (ERR " + d.code() + ").";
            };
        }
        if (e instanceof NotConnectedException) {
            return e.getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return "No such local file: " + n.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "Not allowed to use the local file " + a.getFile();
        }
        String message = e.getMessage();
        return (e instanceof IOException ? "Connection lost: " : "Unexpected error: ")
                + (message != null ? message : e.getClass().getSimpleName());
    }
}
