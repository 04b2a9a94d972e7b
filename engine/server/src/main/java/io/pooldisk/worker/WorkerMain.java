package io.pooldisk.worker;

import io.pooldisk.control.ControlMessage;
import io.pooldisk.control.ControlMessage.Hello;
import io.pooldisk.control.ControlMessage.Release;
import io.pooldisk.control.ControlMessage.Serve;
import io.pooldisk.control.ControlMessage.Stop;
import io.pooldisk.control.WorkerOptions;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.MessageSocket;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.ProcessControl;

/**
 * A worker process. The master spawned it with its end of a socketpair on descriptor 3; it says hello, then loops as
 * the seed's worker does: receive a client descriptor, serve, report back. It exits when the master says STOP or its
 * end of the socketpair closes (so a master killed with SIGKILL leaves no worker behind).
 *
 * <p>Arguments: see {@link WorkerOptions}.
 */
public final class WorkerMain {

    static final int MASTER_FD = 3;

    private WorkerMain() {}

    public static void main(String[] args) {
        WorkerOptions options = WorkerOptions.parse(args);
        // A worker creates files only in the data directory, which is its owner's alone: whatever it or a library
        // creates there (parts, blobs, the database's files) is owner-only even where no mode is given.
        ProcessControl.umask(0077);
        // Backstop for a master that dies while this worker is deep in a command: the kernel kills us too.
        ProcessControl.dieWithParent();
        if (options.masterPid() > 0 && ProcessControl.getppid() != options.masterPid()) {
            System.exit(0); // the master died before prctl took effect
        }
        try (MessageSocket master = new MessageSocket(new FileDescriptor(MASTER_FD))) {
            serveForever(master, new WorkerServices(options));
        } catch (NativeException | RuntimeException e) {
            System.err.println("pooldisk worker " + ProcessControl.getpid() + ": " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static void serveForever(MessageSocket master, WorkerServices services) throws NativeException {
        master.send(new Hello(ProcessControl.getpid()).encode());
        SessionRunner runner = new SessionRunner(master, new CommandHandler(), services);
        while (true) {
            MessageSocket.Received received = master.receive(false);
            if (received.endOfStream()) {
                return; // the master's end closed
            }
            ControlMessage message = ControlMessage.decode(received.data());
            if (message instanceof Serve serve && received.fd() != null) {
                if (runner.serve(serve, received.fd(), received.secondFd())) {
                    return; // told to stop while it served
                }
                continue;
            }
            received.closeDescriptors();
            if (message instanceof Stop) {
                return;
            }
            if (!(message instanceof Release)) { // a release that crossed the session's way back: nothing to do
                throw new IllegalStateException("unexpected message from master: " + message);
            }
        }
    }
}
