package io.pooldisk.pool;

import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.Native;
import io.pooldisk.unix.NativeException;
import java.util.ArrayList;
import java.util.List;

/** Real worker processes: the seed's socketpair and fork, in posix_spawn's form (see {@link Native#spawn}). */
final class SpawnedProcesses implements Supervisor.Processes {

    private final PoolConfig config;
    private final List<String> environment;

    SpawnedProcesses(PoolConfig config) {
        this.config = config;
        this.environment = System.getenv().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
    }

    @Override
    public Started start() throws NativeException {
        int[] pair = Native.seqpacketPair();
        List<String> argv = new ArrayList<>(config.launcher().command());
        argv.addAll(config.workerOptions(Native.getpid()).toArgs());
        try {
            Native.setNonBlocking(pair[0], true);
            return new Started(Native.spawn(argv, environment, pair[1]), new MessageSocket(pair[0]));
        } catch (NativeException e) {
            Native.close(pair[0]);
            throw e;
        } finally {
            Native.close(pair[1]); // the worker has its own copy, as its fd 3
        }
    }

    @Override
    public void kill(int pid) {
        Native.kill(pid, Native.SIGKILL);
    }

    @Override
    public int reap(int pid) {
        return Native.reap(pid);
    }
}
