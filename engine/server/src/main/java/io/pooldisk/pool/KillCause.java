package io.pooldisk.pool;

/** Why the master ended a worker process with SIGKILL (gunicorn's kill_worker), as the log tells it. */
enum KillCause {
    /** It did not say hello within the boot time-out. */
    NO_HELLO("no hello"),
    /** A command made no progress for longer than the request time-out (and the linger, when it waited). */
    STUCK("stuck"),
    /** It sent a message the master could not read. */
    PROTOCOL_ERROR("protocol error"),
    /** Its socketpair refused a message from the master (RELEASE, STOP). */
    UNREACHABLE("unreachable"),
    /** Told to stop, it did not leave within the request time-out. */
    WOULD_NOT_EXIT("did not exit when told to"),
    /** From the console or the control socket. */
    ADMINISTRATOR("killed by the administrator"),
    /** The master's loop failed: no worker outlives it. */
    MASTER_FAILURE("master failure"),
    /** The server stopped and the grace period for commands in flight is over. */
    GRACE_OVER("grace period over");

    private final String text;

    KillCause(String text) {
        this.text = text;
    }

    /** The cause as the log says it, with what is particular to this kill when there is something. */
    String describe(String detail) {
        return detail == null || detail.isEmpty() ? text : text + ": " + detail;
    }
}
