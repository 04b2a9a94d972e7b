package io.pooldisk.pool;

/**
 * Receives the pool's changes. Called on the pool's notifier thread, never the master loop;
 * snapshots arrive at most about ten times a second, coalesced.
 */
public interface PoolListener {

    default void onSnapshot(PoolSnapshot snapshot) {}

    default void onEvent(PoolEvent event) {}

    /**
     * Whether this listener wants DEBUG events: every hand-off, session and batch of commands. They are only built
     * when some listener does, as a busy server makes tens of thousands a second.
     */
    default boolean wantsDebugEvents() {
        return false;
    }

    /**
     * Whether this listener wants snapshots. The master builds one (every worker and every session) only when some
     * listener does: with ten thousand sessions a snapshot costs the loop about a millisecond.
     */
    default boolean wantsSnapshots() {
        return true;
    }
}
