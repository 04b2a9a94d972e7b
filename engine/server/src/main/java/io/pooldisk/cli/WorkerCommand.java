package io.pooldisk.cli;

import io.pooldisk.worker.WorkerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pooldisk worker}: the entry a master spawns; not for people (hidden from help). */
@Command(name = "worker", hidden = true, description = "Run as a worker process (spawned by the master).")
final class WorkerCommand implements Runnable {

    @Parameters(arity = "0..*")
    String[] args = new String[0];

    @Override
    public void run() {
        WorkerMain.main(args);
    }
}
