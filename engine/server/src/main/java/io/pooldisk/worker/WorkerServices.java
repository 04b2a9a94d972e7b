package io.pooldisk.worker;

import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.LoginThrottle;
import io.pooldisk.auth.ScramServer;
import io.pooldisk.control.WorkerOptions;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.disk.InstantUploadPolicy;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.unix.ProcessControl;

/**
 * What a worker process keeps for all the sessions it serves: its pid, its options, and the storage, opened on first
 * use (a pool serving only ECHO never touches SQLite).
 */
final class WorkerServices {

    final long pid = ProcessControl.getpid();
    final WorkerOptions options;
    private final InstantUploadPolicy instantUploads;
    private DiskStore store;
    private ScramServer scram;
    private LoginThrottle throttle;

    WorkerServices(WorkerOptions options) {
        this.options = options;
        this.instantUploads = InstantUploadPolicy.parse(options.instantUploads());
    }

    DiskStore store() throws DiskException {
        if (store == null) {
            if (options.dataDir() == null) {
                throw new DiskException(ReplyCode.SERVER_ERROR, "this server has no storage");
            }
            store = DiskStore.open(options.dataDir(), instantUploads);
        }
        return store;
    }

    ScramServer scram() throws DiskException {
        if (scram == null) {
            scram = new ScramServer(Accounts.of(store()));
        }
        return scram;
    }

    LoginThrottle throttle() throws DiskException {
        if (throttle == null) {
            throttle = Accounts.of(store())
                    .throttle(options.loginMaxFailures(), options.loginWindow(), options.loginBan());
        }
        return throttle;
    }
}
