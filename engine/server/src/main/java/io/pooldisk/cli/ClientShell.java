package io.pooldisk.cli;

import io.pooldisk.client.ConnectionException;
import io.pooldisk.client.DiskClient;
import io.pooldisk.client.DiskClientException;
import io.pooldisk.client.EchoReply;
import io.pooldisk.client.LocalFileException;
import io.pooldisk.client.RemoteEntry;
import io.pooldisk.client.RemotePaths;
import io.pooldisk.protocol.Arguments;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The commands a person gives the command-line client, in one shot, from a script or at the shell's prompt: the
 * seed's client, grown into a network disk client. Remote paths are resolved here against the working directory
 * ({@code ..} included; the wire takes absolute paths without it). A connection that breaks is opened again on the
 * next command; interrupted transfers resume by themselves; a command that does not change anything is run again
 * after a reconnect, one that does is reported, since it may or may not have been done.
 */
public final class ClientShell {

    static final String HELP = """
            commands:
              ls [-l] [PATH]       list a directory (default: the working directory); -l: size, time, kind
              cd [PATH | - | ..]   change the working directory (alone: to /; -: to the one before)
              pwd                  show the working directory
              mkdir [-p] PATH      make a directory; -p: and the missing ones above it
              rm [-r] PATH         remove a file or an empty directory; -r: a directory and all it holds
              mv FROM TO           move or rename
              put LOCAL [REMOTE]   upload a file, making missing directories (resumes an interrupted upload)
              get REMOTE [LOCAL]   download a file (resumes; verified by SHA-256 before it takes its name)
              stat PATH            show one entry
              echo TEXT            ask a worker to echo TEXT upper-cased (shows which worker answered)
              whoami               show who is logged in
              help                 this text
              quit, exit           leave
            Paths are relative to the working directory unless they start with /. Quote names with spaces:
              put "my file.txt" "/docs/my file.txt\"""";

    /** The commands that change nothing on the server: after a reconnect they simply run again. */
    private static final Set<String> READ_ONLY = Set.of("ls", "list", "dir", "cd", "pwd", "stat", "echo", "whoami");

    /** The commands that reconnect and resume by themselves. */
    private static final Set<String> TRANSFERS = Set.of("put", "upload", "get", "download");

    private static final int TRANSFER_ATTEMPTS = 4;
    private static final int CONNECT_ATTEMPTS = 3;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final Connector connector;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private DiskClient client; // null while disconnected
    private String cwd = "/";
    private String previousCwd = "/";

    /** Opens (and reopens, after a broken connection) a logged-in client. */
    @FunctionalInterface
    public interface Connector {
        DiskClient connect() throws IOException;
    }

    /** A command line that is wrong in itself (unknown command, missing argument): nothing was sent. */
    public static final class UsageException extends IOException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Connects at once: a server that cannot be reached or a login that fails is the caller's to report. */
    public ClientShell(Connector connector, PrintStream out, PrintStream err, boolean terminal) throws IOException {
        this.connector = connector;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.client = connector.connect();
    }

    public String cwd() {
        return cwd;
    }

    /** Runs one command line; returns false when the person asked to leave. Errors come as exceptions. */
    public boolean run(String line) throws IOException {
        List<String> words;
        try {
            words = Arguments.split(line.trim());
        } catch (CommandException e) {
            throw new UsageException(e.getMessage());
        }
        if (words.isEmpty()) {
            return true;
        }
        return run(words);
    }

    public boolean run(List<String> words) throws IOException {
        String cmd = words.get(0).toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        switch (cmd) {
            case "quit", "exit", "bye" -> {
                leave();
                return false;
            }
            case "help", "?" -> {
                out.println(HELP);
                return true;
            }
            default -> {}
        }
        if (client == null) {
            reconnect(null);
        }
        try {
            dispatch(cmd, args);
        } catch (ConnectionException e) {
            if (TRANSFERS.contains(cmd)) { // they have reconnected and resumed as often as it is worth already
                closeQuietly();
                throw e;
            }
            reconnect(e);
            if (!READ_ONLY.contains(cmd)) {
                throw new ConnectionException(e.getMessage() + "; reconnected, but '" + cmd
                        + "' may or may not have been done before: look, then run it again if not");
            }
            dispatch(cmd, args);
        }
        return true;
    }

    private void dispatch(String cmd, List<String> args) throws IOException {
        switch (cmd) {
            case "ls", "list", "dir" -> list(args);
            case "cd" -> cd(args);
            case "pwd" -> out.println(cwd = client.pwd());
            case "mkdir" -> mkdir(args);
            case "rm", "del" -> remove(args);
            case "mv", "rename" ->
                client.move(remote(arg(args, 0, 2, "mv FROM TO")), remote(arg(args, 1, 2, "mv FROM TO")));
            case "stat" -> print(client.stat(remote(one(args, "stat PATH"))), true);
            case "put", "upload" -> put(args);
            case "get", "download" -> get(args);
            case "echo" -> echo(String.join(" ", args));
            case "whoami" -> out.println(client.whoami());
            default -> throw new UsageException("unknown command '" + cmd + "'; type help for the list");
        }
    }

    /**
     * Remote names that complete {@code word} (as typed: relative or absolute), for tab completion: the entries of
     * the directory it points into whose names start with its last part, directories with a trailing '/'. Empty when
     * disconnected or when the directory cannot be listed.
     */
    public List<String> completions(String word) {
        int slash = word.lastIndexOf('/');
        String typedDir = slash < 0 ? "" : word.substring(0, slash + 1);
        String prefix = word.substring(slash + 1);
        List<String> found = new ArrayList<>();
        if (client == null) {
            return found;
        }
        try {
            for (RemoteEntry e : client.list(remote(typedDir.isEmpty() ? "." : typedDir))) {
                if (e.name().startsWith(prefix)) {
                    found.add(typedDir + e.name() + (e.directory() ? "/" : ""));
                }
            }
        } catch (IOException e) {
            // no completions: the command itself will say what is wrong
        }
        return found;
    }

    private String remote(String path) {
        return RemotePaths.resolve(cwd, path);
    }

    private void list(List<String> args) throws IOException {
        boolean long_ = !args.isEmpty() && args.get(0).equals("-l");
        List<String> rest = long_ ? args.subList(1, args.size()) : args;
        if (rest.size() > 1 || rest.size() == 1 && rest.get(0).startsWith("-")) {
            throw new UsageException("usage: ls [-l] [PATH]");
        }
        for (RemoteEntry e : client.list(remote(rest.isEmpty() ? "." : rest.get(0)))) {
            if (long_) {
                print(e, false);
            } else {
                out.println(e.name() + (e.directory() ? "/" : ""));
            }
        }
    }

    private void cd(List<String> args) throws IOException {
        if (args.size() > 1) {
            throw new UsageException("usage: cd [PATH | - | ..]");
        }
        String to = args.isEmpty() ? "/" : args.get(0).equals("-") ? previousCwd : remote(args.get(0));
        String now = client.cd(to);
        if (!args.isEmpty() && args.get(0).equals("-")) {
            out.println(now);
        }
        previousCwd = cwd;
        cwd = now;
    }

    private void mkdir(List<String> args) throws IOException {
        boolean parents = !args.isEmpty() && args.get(0).equals("-p");
        String path = remote(one(parents ? args.subList(1, args.size()) : args, "mkdir [-p] PATH"));
        if (parents) {
            client.makeDirectories(path);
        } else {
            client.mkdir(path);
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
        client.remove(remote(one(recursive ? args.subList(1, args.size()) : args, "rm [-r] PATH")), recursive);
    }

    private void echo(String text) throws IOException {
        EchoReply r = client.echo(text);
        out.printf(
                "%s  (worker %d, %.1f ms)%n",
                r.text(), r.workerPid(), r.roundTrip().toNanos() / 1e6);
    }

    private void put(List<String> args) throws IOException {
        Path local = local(arg(args, 0, 2, "put LOCAL [REMOTE]"));
        String name = local.getFileName() == null ? "" : local.getFileName().toString();
        String remote = args.size() > 1 ? remote(args.get(1)) : remote(name);
        if (args.size() > 1 && (args.get(1).endsWith("/") || isRemoteDirectory(remote))) {
            remote = RemotePaths.resolve(remote, name); // into that directory, as cp does
        }
        String target = remote;
        RemoteEntry stored = retrying(() -> client.upload(local, target, new ProgressBar(out, name, terminal)));
        out.println("stored " + target + " (" + stored.size() + " bytes, sha256 " + stored.sha256() + ")");
    }

    private boolean isRemoteDirectory(String path) throws IOException {
        try {
            return client.stat(path).directory();
        } catch (DiskClientException e) {
            if (e instanceof ConnectionException) {
                throw e;
            }
            return false;
        }
    }

    private void get(List<String> args) throws IOException {
        String remote = remote(arg(args, 0, 2, "get REMOTE [LOCAL]"));
        String name = RemotePaths.name(remote);
        Path local = args.size() > 1 ? local(args.get(1)) : Path.of(name);
        if (Files.isDirectory(local)) {
            local = local.resolve(name);
        }
        Path parent = local.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new LocalFileException("cannot save to " + local + ": " + parent + " is not a directory");
        }
        Path target = local;
        retrying(() -> client.download(remote, target, new ProgressBar(out, name, terminal)));
        out.println("saved " + target + " (verified)");
    }

    /** A local path as a shell user means it: {@code ~/x} is in the home directory. */
    private static Path local(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }

    /** A transfer step that a broken connection interrupts: reconnect, log in again, and go on where it stopped. */
    private interface Transfer<T> {
        T run() throws IOException;
    }

    private <T> T retrying(Transfer<T> transfer) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return transfer.run();
            } catch (DiskClientException e) {
                boolean passing = e instanceof ConnectionException
                        || e.is(ReplyCode.SERVER_ERROR, ReplyCode.BUSY, ReplyCode.NO_PROGRESS);
                if (!passing || attempt == TRANSFER_ATTEMPTS) {
                    throw e;
                }
                err.println();
                err.println(e + "; resuming, attempt " + (attempt + 1) + " of " + TRANSFER_ATTEMPTS);
                reconnect(e);
            }
        }
    }

    /**
     * Opens the connection again (a few tries, a little apart), logs in with the saved credentials, and goes back to
     * the working directory ({@code /} if it is gone).
     */
    private void reconnect(IOException why) throws IOException {
        closeQuietly();
        if (why != null) {
            err.println("connection lost (" + why.getMessage() + "); reconnecting");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                client = connector.connect();
                break;
            } catch (ConnectionException e) {
                if (attempt == CONNECT_ATTEMPTS) {
                    throw e;
                }
                pause(250L * attempt, e);
            }
        }
        try {
            cwd = client.cd(cwd);
        } catch (ConnectionException e) {
            throw e;
        } catch (DiskClientException e) {
            err.println(cwd + " is gone (" + e + "); back in /");
            previousCwd = cwd;
            cwd = "/";
        }
    }

    private static void pause(long millis, IOException why) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw why;
        }
    }

    /** Says goodbye if the connection still works; leaves either way. */
    private void leave() {
        if (client != null) {
            try {
                client.quit();
            } catch (IOException e) {
                // leaving anyway
            }
            client = null;
        }
    }

    private void closeQuietly() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // already broken
            }
            client = null;
        }
    }

    private static String one(List<String> args, String usage) throws UsageException {
        return arg(args, 0, 1, usage);
    }

    /** Argument {@code index}; there must be at least index + 1 and at most {@code max} of them. */
    private static String arg(List<String> args, int index, int max, String usage) throws UsageException {
        if (args.size() <= index || args.size() > max) {
            throw new UsageException("usage: " + usage);
        }
        return args.get(index);
    }
}
