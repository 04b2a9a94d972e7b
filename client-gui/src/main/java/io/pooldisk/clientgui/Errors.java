package io.pooldisk.clientgui;

import io.pooldisk.client.ConnectionException;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.LocalFileException;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/** Turns what went wrong into a sentence for people, and tells a dropped connection from a refusal. */
final class Errors {

    private Errors() {}

    /** Nobody is logged in, or the user asked to stop: no retry will help. */
    static final class NotConnectedException extends IOException {
        NotConnectedException() {
            super("Not connected: connect to a server first.");
        }
    }

    /** A transfer of one account while the session is logged in as another: it never moves under the other. */
    static final class OtherAccountException extends IOException {
        OtherAccountException(ClientSession.Account owner, ClientSession.Account current) {
            super(refusal(owner, current));
        }
    }

    /** Why a transfer of {@code owner} does not run while logged in as {@code current} (null: not connected). */
    static String refusal(ClientSession.Account owner, ClientSession.Account current) {
        String who = owner.user().isEmpty() ? owner.label() : owner.user() + " on " + owner.host() + ":" + owner.port();
        return "This transfer belongs to " + owner.label() + (current == null ? "" : ", not " + current.label())
                + ": connect as " + who + " to retry it.";
    }

    /**
     * Whether {@code e} means the connection is gone (worker died, server restarted, network dropped, server busy) so
     * that connecting again and repeating the command may well work.
     */
    static boolean dropped(Throwable e) {
        if (e instanceof NotConnectedException
                || e instanceof OtherAccountException
                || e instanceof LocalFileException) {
            return false; // no new connection would help: nobody to ask, or this computer's own file
        }
        if (e instanceof DiskClientException d) {
            return d.code() == 0
                    || d.is(ReplyCode.REQUEST_TIMEOUT, ReplyCode.SERVER_ERROR, ReplyCode.BUSY, ReplyCode.NO_PROGRESS);
        }
        return e instanceof IOException;
    }

    /** A sentence about failing to connect to host:port. */
    static String connecting(Throwable failure, String host, int port) {
        String where = host + ":" + port;
        Throwable e =
                failure instanceof ConnectionException && failure.getCause() != null ? failure.getCause() : failure;
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
        if (e instanceof DiskClientException d && d.is(ReplyCode.UNAUTHORIZED)) {
            return "Wrong user name or password.";
        }
        if (failure instanceof io.pooldisk.client.UntrustedCertificateException u) {
            String said = u.getMessage();
            return Character.toUpperCase(said.charAt(0)) + said.substring(1) + ".";
        }
        return explain(failure);
    }

    /** A sentence about any failure. */
    static String explain(Throwable e) {
        if (e instanceof LocalFileException || e instanceof ConnectionException) {
            String said = e.getMessage(); // "cannot read /x: no such file...", "lost the connection to h:p: ..."
            return Character.toUpperCase(said.charAt(0)) + said.substring(1) + ".";
        }
        if (e instanceof DiskClientException d) {
            String said = d.getMessage();
            if (d.code() == 0) {
                return "Connection lost: " + said + ".";
            }
            String asItCame = "The server said: " + said + " (ERR " + d.code() + ").";
            return d.replyCode()
                    .map(code -> switch (code) {
                        case UNAUTHORIZED ->
                            said.contains("log in")
                                    ? "Not logged in: connect with a user name and password."
                                    : "Wrong user name or password.";
                        case NOT_FOUND -> "Not found: " + said + ".";
                        case CONFLICT -> "Conflict: " + said + ".";
                        case PRECONDITION_FAILED -> "Verification failed: " + said + ".";
                        case TOO_MANY_REQUESTS -> "Login refused for a while: " + said + ".";
                        case SERVER_ERROR -> "The worker serving this session died (" + said + ").";
                        case BUSY ->
                            "The server is busy: every worker is occupied and the wait queue is full. "
                                    + "Try again in a moment.";
                        case NO_PROGRESS -> "The server gave up on a command that made no progress (" + said + ").";
                        case INSUFFICIENT_STORAGE -> "Not enough space: " + said + ".";
                        default -> asItCame;
                    })
                    .orElse(asItCame);
        }
        if (e instanceof NotConnectedException || e instanceof OtherAccountException) {
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
