package io.pooldisk.client;

/** Told how a transfer advances; called on the transferring thread. */
@FunctionalInterface
public interface TransferListener {

    TransferListener NONE = (done, total) -> {};

    /**
     * @param done  bytes of the file that are in place (on the server for an upload, on disk for a download),
     *              including those an earlier attempt moved
     * @param total the file's size
     */
    void progress(long done, long total);
}
