package io.pooldisk.control;

/**
 * A transfer that a session was in the middle of when its client's socket stopped being ready: an upload whose
 * client had sent nothing more, or bytes owed to a client whose socket was full. It travels in the
 * {@link SessionState} back to the master, which waits for the socket to be ready again, and on to whichever worker
 * is idle then, which carries on where the last one stopped (docs/ARCHITECTURE.md, "A worker never waits on a client").
 */
public sealed interface Transfer {

    /** The command it belongs to, as the scoreboard shows it: "PUT /docs/a.txt". */
    String label();

    /** True when the session waits for room in the client's socket; false when it waits for the client's bytes. */
    boolean waitsToSend();

    /**
     * An upload that continues into its part file.
     *
     * @param uploadId  the upload's row
     * @param path      where it goes
     * @param size      its announced size
     * @param sha256    its announced SHA-256
     * @param received  bytes the part file holds
     * @param hashState the SHA-256 state over those bytes, so the next worker need not read them again; empty when
     *                  it could not be saved (the next worker then hashes the part from its start)
     */
    record Receiving(
            String label, long uploadId, String path, long size, String sha256, long received, byte[] hashState)
            implements Transfer {
        @Override
        public boolean waitsToSend() {
            return false;
        }
    }

    /**
     * A file being sent to the client (a download, or replies too long to travel in the message): {@code remaining}
     * bytes from {@code position} of the file that comes attached to the message.
     */
    record Sending(String label, long position, long remaining) implements Transfer {
        @Override
        public boolean waitsToSend() {
            return true;
        }
    }
}
