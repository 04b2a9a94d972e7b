package io.pooldisk.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pooldisk} command: serve, client, status, resize, ban, user, and the internal worker entry. */
@Command(
        name = "pooldisk",
        mixinStandardHelpOptions = true,
        versionProvider = PoolDiskCommand.Version.class,
        description = "PoolDisk: a network disk served by a prefork process pool.",
        subcommands = {
            ServeCommand.class,
            ClientCommand.class,
            StatusCommand.class,
            ResizeCommand.class,
            BanCommand.class,
            UserCommand.class,
            WorkerCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PoolDiskCommand {

    /** Exit code for a command line that cannot be run as written. */
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = commandLine();
        if (args.length == 0) {
            cli.usage(cli.getOut());
            return USAGE;
        }
        return cli.execute(args);
    }

    /** The command line as {@link #main} runs it: its error handling and exit codes (tests run it in-process). */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PoolDiskCommand());
        cli.setParameterExceptionHandler(PoolDiskCommand::oneLineUsageError);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return cli;
    }

    /** picocli prints the whole usage after a bad option; a person needs one line and where to look. */
    private static int oneLineUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        return USAGE;
    }

    /**
     * The version this copy of PoolDisk is: an installed one says its package's version (its launchers set
     * {@code jpackage.app-version}), a jar the Maven version in its manifest, a build from the IDE "(development
     * build)".
     */
    public static String version() {
        String installed = System.getProperty("jpackage.app-version");
        if (installed != null && !installed.isBlank()) {
            return installed;
        }
        String v = PoolDiskCommand.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pooldisk " + version()};
        }
    }
}
