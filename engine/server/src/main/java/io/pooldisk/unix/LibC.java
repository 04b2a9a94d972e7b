package io.pooldisk.unix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;

/**
 * The C library calls PoolDisk needs, bound with jnr-ffi (public only because jnr-ffi implements it in another class
 * loader). Only the classes of this package use it, through
 * {@link Native#C}; every call that can fail saves errno.
 */
@SaveError
public interface LibC {

    int socketpair(int domain, int type, int protocol, @Out int[] sv);

    int close(int fd);

    int open(String path, int flags, int mode);

    // The calls made for every connection take addresses as plain longs: a direct buffer's address
    // (DirectMemory.address)
    // or native memory's. jnr-ffi turns a ByteBuffer or IntByReference argument into an address anew on each call,
    // through JNI or a copy, which cost 0.2-0.6 µs a call on these machines.

    int accept4(int fd, long addr, long addrlen, int flags);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    long recv(int fd, long buf, long count, int flags);

    long send(int fd, long buf, long count, int flags);

    int fcntl(int fd, int cmd, int arg);

    long sendmsg(int fd, long msg, int flags);

    long recvmsg(int fd, long msg, int flags);

    int poll(Pointer fds, long nfds, int timeout);

    int epoll_create1(int flags);

    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

    int eventfd(int initval, int flags);

    long sendfile(int outFd, int inFd, LongLongByReference offset, long count);

    int pipe2(@Out int[] fds, int flags);

    int memfd_create(String name, int flags);

    long splice(
            int fdIn,
            @In @Out LongLongByReference offIn,
            int fdOut,
            @In @Out LongLongByReference offOut,
            long len,
            int flags);

    int shutdown(int fd, int how);

    int getuid();

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int getpid();

    int getppid();

    int umask(int mask);

    int kill(int pid, int signal);

    int waitpid(int pid, @Out IntByReference status, int options);

    int setsockopt(int fd, int level, int name, @In int[] value, int len);

    Pointer getservbyname(String name, String proto);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnp(@Out IntByReference pid, String file, Pointer actions, Pointer attr, Pointer argv, Pointer envp);
}
