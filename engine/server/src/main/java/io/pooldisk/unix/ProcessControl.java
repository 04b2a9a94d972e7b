package io.pooldisk.unix;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** This process and its children: identity, the file mode mask, spawning, signalling and reaping. */
public final class ProcessControl {

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    private static final int WNOHANG = 1;
    private static final int PR_SET_PDEATHSIG = 1;
    private static final short POSIX_SPAWN_SETPGROUP = 0x2;
    private static final int O_RDONLY = 0;

    private ProcessControl() {}

    public static int getpid() {
        return Native.C.getpid();
    }

    public static int getppid() {
        return Native.C.getppid();
    }

    public static int getuid() {
        return Native.C.getuid();
    }

    /** Sets this process's file mode creation mask; returns the one before. */
    public static int umask(int mask) {
        return Native.C.umask(mask);
    }

    /** Sends a signal; false when the process no longer exists. */
    public static boolean kill(int pid, int signal) {
        if (pid <= 0) {
            return false;
        }
        return Native.C.kill(pid, signal) == 0;
    }

    /**
     * Reaps a child without waiting. Returns its wait status, or -1 while it still runs. A pid that is not (or no
     * longer) our child counts as gone: returns 0.
     */
    public static int reap(int pid) {
        IntByReference status = new IntByReference();
        int r = Native.C.waitpid(pid, status, WNOHANG);
        if (r == pid) {
            return status.intValue();
        }
        if (r == 0) {
            return -1;
        }
        return Errors.errno() == Errors.EINTR ? -1 : 0;
    }

    /** Text for a wait status: "exit 1", "signal 9". */
    public static String describeStatus(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? "exit " + ((status >> 8) & 0xff) : "signal " + signal;
    }

    /** Asks the kernel to SIGKILL this process when the thread that spawned it ends (Linux prctl PR_SET_PDEATHSIG). */
    public static void dieWithParent() {
        Native.C.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    }

    /**
     * Starts {@code argv} with {@code env}: the seed's socketpair + fork, in spawn form. {@code childEnd} becomes fd 3
     * of the child, stdin reads /dev/null, stdout and stderr are inherited, and every other descriptor is closed in the
     * child (glibc's closefrom file action), so a worker never holds the listening socket or a client connection.
     * The child gets a process group of its own: a Ctrl-C on the master's terminal reaches the master alone, which
     * then stops its workers gracefully.
     *
     * @return the child's pid
     */
    public static int spawn(List<String> argv, List<String> env, int childEnd) throws NativeException {
        Pointer actions = DirectMemory.allocate(256); // sizeof(posix_spawn_file_actions_t) is 80 on glibc
        Pointer attr = DirectMemory.allocate(1024); // sizeof(posix_spawnattr_t) is 336 on glibc
        List<Pointer> strings = new ArrayList<>(); // kept reachable until the child has its copies
        Pointer argvArray = stringArray(argv, strings);
        Pointer envArray = stringArray(env, strings);
        IntByReference pid = new IntByReference();
        LibC c = Native.C;
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attr);
        try {
            spawnCheck("setflags", c.posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP));
            spawnCheck("setpgroup", c.posix_spawnattr_setpgroup(attr, 0));
            spawnCheck("addopen", c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0));
            spawnCheck("adddup2", c.posix_spawn_file_actions_adddup2(actions, childEnd, 3));
            spawnCheck("addclosefrom_np", c.posix_spawn_file_actions_addclosefrom_np(actions, 4));
            spawnCheck(
                    "posix_spawnp " + argv.get(0),
                    c.posix_spawnp(pid, argv.get(0), actions, attr, argvArray, envArray));
            return pid.intValue();
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attr);
            java.lang.ref.Reference.reachabilityFence(argvArray);
            java.lang.ref.Reference.reachabilityFence(envArray);
            java.lang.ref.Reference.reachabilityFence(strings);
        }
    }

    /** posix_spawn functions return the error number itself rather than setting errno. */
    private static void spawnCheck(String call, int result) throws NativeException {
        Errors.orThrow(call, -result);
    }

    /** A NULL-terminated char*[]; its strings are added to {@code keep}, which must stay reachable while it is used. */
    private static Pointer stringArray(List<String> strings, List<Pointer> keep) {
        int ptr = Native.RUNTIME.addressSize();
        Pointer array = DirectMemory.allocate((strings.size() + 1) * ptr);
        for (int i = 0; i < strings.size(); i++) {
            byte[] bytes = strings.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = DirectMemory.allocate(bytes.length + 1);
            s.put(0, bytes, 0, bytes.length);
            s.putByte(bytes.length, (byte) 0);
            array.putPointer((long) i * ptr, s);
            keep.add(s);
        }
        array.putAddress((long) strings.size() * ptr, 0L);
        return array;
    }
}
