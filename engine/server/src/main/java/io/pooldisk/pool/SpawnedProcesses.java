package io.pooldisk.pool;

import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.ProcessControl;
import io.pooldisk.unix.Sockets;
import java.util.ArrayList;
import java.util.List;

/** Real worker processes: the seed's socketpair and fork, in posix_spawn's form (see {@link ProcessControl#spawn}). */
final class SpawnedProcesses implements Supervisor.Processes {

    /** Replaced on a reload, so that workers started from then on get the new options. */
    private PoolConfig config;

    private final List<String> environment;

    SpawnedProcesses(PoolConfig config) {
        this.config = config;
        this.environment = System.getenv().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
    }

    void reconfigure(PoolConfig next) {
        config = next;
    }

    @Override
    public Started start() throws NativeException {
        FileDescriptor[] pair = Sockets.seqpacketPair();
        List<String> argv = new ArrayList<>(config.launcher().command());
        argv.addAll(config.workerOptions(ProcessControl.getpid()).toArgs());
        try {
            Sockets.setNonBlocking(pair[0].intValue(), true);
            return new Started(ProcessControl.spawn(argv, environment, pair[1].intValue()), new MessageSocket(pair[0]));
        } catch (NativeException e) {
            pair[0].close();
            throw e;
        } finally {
            pair[1].close(); // the worker has its own copy, as its fd 3
        }
    }

    @Override
    public void kill(int pid) {
        ProcessControl.kill(pid, ProcessControl.SIGKILL);
    }

    @Override
    public int reap(int pid) {
        return ProcessControl.reap(pid);
    }
}
