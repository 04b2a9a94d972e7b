package io.pooldisk.cli;

import io.pooldisk.pool.PoolConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pooldisk resize N}: grows or shrinks a running server's pool, as the console's pool view does, through the
 * control socket. New workers are spawned at once; workers beyond N leave as soon as they are idle.
 */
@Command(
        name = "resize",
        mixinStandardHelpOptions = true,
        description = {
            "Grow or shrink the pool of a running server.",
            "New workers start at once; workers beyond N finish their command first."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the server took the new size",
            "1:no server runs on that data directory",
            "2:bad command line"
        })
final class ResizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "N", description = "Worker processes to keep (1-256).")
    int workers;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "The server's data directory. Default: $XDG_DATA_HOME/pooldisk or ~/.local/share/pooldisk.")
    Path data;

    @Override
    public Integer call() {
        if (workers < 1 || workers > PoolConfig.MAX_WORKERS) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "N must be between 1 and " + PoolConfig.MAX_WORKERS + ", not " + workers);
        }
        Path dir = ControlClient.dataDir(data);
        String reply;
        try {
            reply = ControlClient.request(dir, "RESIZE " + workers).trim();
        } catch (IOException e) {
            spec.commandLine().getErr().println("pooldisk resize: " + ControlClient.noServer(dir, e));
            return 1;
        }
        if (!reply.startsWith("OK ")) {
            spec.commandLine().getErr().println("pooldisk resize: " + reply);
            return 1;
        }
        spec.commandLine().getOut().println(reply.substring(3));
        return 0;
    }
}
