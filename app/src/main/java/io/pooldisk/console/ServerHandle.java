package io.pooldisk.console;

import io.pooldisk.auth.Ban;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.PoolListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The server the console shows, whichever way it reaches it: {@link LocalServer} runs it in this process,
 * {@link AttachedServer} watches a headless one through the control socket of its data directory. Both feed the
 * console's {@link PoolModel} as a {@link PoolListener}, so the views never know which. Every method may block (a
 * control request, the master's answer): the controller calls them off the FX thread.
 */
interface ServerHandle {

    /** The data directory the server runs on. */
    Path dataDir();

    /** Where the server listens. */
    InetSocketAddress address();

    /** True for a server in this process, which ends with the console unless it is kept running headless. */
    boolean inProcess();

    void killWorker(int pid) throws IOException;

    void recycleWorker(int pid) throws IOException;

    void resize(int workers) throws IOException;

    void kickSession(long id) throws IOException;

    /** The ban list, the administrator's and the login throttle's. */
    List<Ban> bans() throws IOException;

    /**
     * Bans an address or network for {@code length} (null: for good), kept across restarts; says what was done.
     *
     * @throws IOException with the server's reason (a bad network, a full disk)
     */
    String ban(String target, Duration length, String reason) throws IOException;

    /** Lifts the ban on exactly {@code target}, manual or automatic. */
    void unban(String target) throws IOException;

    /**
     * Writes an audit record (an account change made in the console) to the server's audit log: through the server
     * in this process, so that it shows in the Log tab; straight to an attached server's audit.log otherwise.
     */
    void audit(AuditRecord record) throws IOException;

    /** Brings DEBUG events to {@code listener} while it is subscribed; close the result to end that. */
    AutoCloseable subscribeDebug(PoolListener listener);

    /**
     * Waits until the server ends, or the console's view of it does (the control socket broke, or {@link #close}):
     * null when it just stopped, else why, in one line.
     */
    String awaitEnd();

    /** Lets the server go: stops an in-process one (waiting for its workers), leaves an attached one running. */
    void close();
}
