package io.pooldisk.cli;

import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.EchoReply;
import io.pooldisk.client.RemoteEntry;
import io.pooldisk.protocol.Arguments;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The commands a person gives the command-line client, in one shot or at the shell's prompt: the seed's client, grown
 * into a network disk client. Transfers interrupted by a dropped connection are resumed by themselves.
 */
public final class ClientShell {

    static final String HELP = """
            commands:
              ls [PATH]            list a directory (default: the working directory)
              cd PATH              change the working directory
              pwd                  show the working directory
              mkdir PATH           make a directory
              rm [-r] PATH         remove a file or an empty directory; -r: a directory and all it holds
              mv FROM TO           move or rename
              put LOCAL [REMOTE]   upload a file (resumes an interrupted upload)
              get REMOTE [LOCAL]   download a file (resumes; verified by SHA-256 before it takes its name)
              stat PATH            show one entry
              echo TEXT            ask a worker to echo TEXT upper-cased (shows which worker answered)
              whoami               show who is logged in
              help                 this text
              quit                 leave
            Quote names with spaces: put "my file.txt" "/docs/my file.txt\"""";

    private static final int TRANSFER_ATTEMPTS = 4;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final Connector connector;
    private final PrintStream out;
    private final boolean terminal;
    private DiskClient client;
    private String cwd = "/";

    /** Opens (and reopens, after a dropped connection) a logged-in client. */
    @FunctionalInterface
    public interface Connector {
        DiskClient connect() throws IOException;
    }

    public ClientShell(Connector connector, PrintStream out, boolean terminal) throws IOException {
        this.connector = connector;
        this.out = out;
        this.terminal = terminal;
        this.client = connector.connect();
    }

    public String cwd() {
        return cwd;
    }

    /** Runs one command line; returns false when the person asked to quit. Errors come as exceptions. */
    public boolean run(String line) throws IOException {
        List<String> words;
        try {
            words = Arguments.split(line.trim());
        } catch (CommandException e) {
            throw new DiskClientException(0, e.getMessage());
        }
        if (words.isEmpty()) {
            return true;
        }
        return run(words);
    }

    public boolean run(List<String> words) throws IOException {
        String cmd = words.get(0).toLowerCase(java.util.Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        switch (cmd) {
            case "ls", "list", "dir" -> list(args.isEmpty() ? "" : one(args, "ls [PATH]"));
            case "cd" -> cwd = client.cd(one(args, "cd PATH"));
            case "pwd" -> out.println(cwd = client.pwd());
            case "mkdir" -> client.mkdir(one(args, "mkdir PATH"));
            case "rm", "del" -> remove(args);
            case "mv", "rename" -> client.move(arg(args, 0, 2, "mv FROM TO"), arg(args, 1, 2, "mv FROM TO"));
            case "stat" -> print(client.stat(one(args, "stat PATH")), true);
            case "put", "upload" -> put(args);
            case "get", "download" -> get(args);
            case "echo" -> echo(String.join(" ", args));
            case "whoami" -> out.println(client.whoami());
            case "help", "?" -> out.println(HELP);
            case "quit", "exit", "bye" -> {
                client.quit();
                return false;
            }
            default -> throw new DiskClientException(0, "unknown command '" + cmd + "'; try help");
        }
        return true;
    }

    private void list(String path) throws IOException {
        for (RemoteEntry e : client.list(path)) {
            print(e, false);
        }
    }

    private void print(RemoteEntry e, boolean withHash) {
        out.printf(
                "%s %10s  %s  %s%s%n",
                e.directory() ? "d" : "-",
                e.directory() ? "" : e.size(),
                TIME.format(e.modified()),
                e.name() + (e.directory() ? "/" : ""),
                withHash && !e.directory() ? "  sha256:" + e.sha256() : "");
    }

    private void remove(List<String> args) throws IOException {
        boolean recursive = !args.isEmpty() && args.get(0).equals("-r");
        client.remove(one(recursive ? args.subList(1, args.size()) : args, "rm [-r] PATH"), recursive);
    }

    private void echo(String text) throws IOException {
        EchoReply r = client.echo(text);
        out.printf(
                "%s  (worker %d, %.1f ms)%n",
                r.text(), r.workerPid(), r.roundTrip().toNanos() / 1e6);
    }

    private void put(List<String> args) throws IOException {
        Path local = Path.of(arg(args, 0, -1, "put LOCAL [REMOTE]"));
        String remote = args.size() > 1
                ? arg(args, 1, 2, "put LOCAL [REMOTE]")
                : local.getFileName().toString();
        RemoteEntry stored = retrying(() -> client.upload(
                local, remote, new ProgressBar(out, local.getFileName().toString(), terminal)));
        out.println("stored " + stored.name() + " (" + stored.size() + " bytes, sha256 " + stored.sha256() + ")");
    }

    private void get(List<String> args) throws IOException {
        String remote = arg(args, 0, -1, "get REMOTE [LOCAL]");
        String name = remote.substring(remote.lastIndexOf('/') + 1);
        Path local = args.size() > 1 ? Path.of(arg(args, 1, 2, "get REMOTE [LOCAL]")) : Path.of(name);
        if (java.nio.file.Files.isDirectory(local)) {
            local = local.resolve(name);
        }
        Path target = local;
        retrying(() -> client.download(remote, target, new ProgressBar(out, name, terminal)));
        out.println("saved " + target + " (verified)");
    }

    /** A transfer step that a dropped connection interrupts: reconnect, log in again, and go on where it stopped. */
    private interface Transfer<T> {
        T run() throws IOException;
    }

    private <T> T retrying(Transfer<T> transfer) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return transfer.run();
            } catch (DiskClientException e) {
                boolean passing = e.code() == 0 || e.is(ReplyCode.SERVER_ERROR, ReplyCode.BUSY, ReplyCode.NO_PROGRESS);
                if (!passing || attempt == TRANSFER_ATTEMPTS) {
                    throw e;
                }
                reconnect(attempt, e);
            } catch (IOException e) {
                if (attempt == TRANSFER_ATTEMPTS) {
                    throw e;
                }
                reconnect(attempt, e);
            }
        }
    }

    private void reconnect(int attempt, IOException why) throws IOException {
        out.println();
        out.println("connection lost (" + why.getMessage() + "); resuming, attempt " + (attempt + 1));
        try {
            client.close();
        } catch (IOException ignored) {
            // already broken
        }
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw why;
        }
        client = connector.connect();
        if (!cwd.equals("/")) {
            client.cd(cwd);
        }
    }

    private static String one(List<String> args, String usage) throws DiskClientException {
        return arg(args, 0, 1, usage);
    }

    /** Argument {@code index}; {@code count} is how many there must be (-1: at least index + 1). */
    private static String arg(List<String> args, int index, int count, String usage) throws DiskClientException {
        if (args.size() <= index || count >= 0 && args.size() > count) {
            throw new DiskClientException(0, "usage: " + usage);
        }
        return args.get(index);
    }
}
