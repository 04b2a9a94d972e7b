package io.pooldisk.worker;

import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.Entry;
import io.pooldisk.disk.FileTree;
import io.pooldisk.protocol.Arguments;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.EntryLine;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import java.io.IOException;
import java.util.List;

/** The namespace commands: PWD, CD, LIST, STAT, MKDIR, RM, RMTREE, MV. */
final class FileCommands {

    private FileCommands() {}

    static void pwd(SessionContext ctx) throws CommandException, BrokenConnectionException {
        ctx.reply(Reply.ok(ctx.state.cwd()));
    }

    static void cd(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        String path = ctx.resolve(Arguments.path(argument));
        Entry e = ctx.files().stat(path);
        if (!e.isDirectory()) {
            throw new DiskException(ReplyCode.CONFLICT, path + " is not a directory");
        }
        ctx.state = ctx.state.withCwd(path);
        ctx.reply(Reply.ok(path));
    }

    /**
     * Streams the listing (docs/PROTOCOL.md): the count, then the entry lines as the database yields them, through a
     * {@link ReplyStream}, so that a directory of any size is listed in the same memory. An error before the first
     * line is an ERR reply; after it, the reply cannot be taken back, and the session ends instead.
     */
    static void list(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        String path = argument.isEmpty() ? ctx.state.cwd() : ctx.resolve(Arguments.path(argument));
        try (ReplyStream reply = new ReplyStream(ctx, "LIST " + path)) {
            try {
                ctx.files().list(path, new FileTree.ListingSink() {
                    @Override
                    public void begin(long count) throws BrokenConnectionException {
                        reply.line("OK " + count + " entries");
                    }

                    @Override
                    public void entry(Entry e) throws BrokenConnectionException {
                        reply.line(line(e, e.name()));
                    }
                });
            } catch (IOException e) { // the sink's: the connection's
                throw e instanceof BrokenConnectionException b ? b : new BrokenConnectionException(e);
            } catch (CommandException | RuntimeException e) {
                if (!reply.started()) {
                    throw e;
                }
                throw new BrokenConnectionException("LIST " + path + " failed after its first line: " + e.getMessage());
            }
            reply.finish();
        }
    }

    static void stat(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        Entry e = ctx.files().stat(ctx.resolve(Arguments.path(argument)));
        ctx.reply(Reply.ok(line(e, e.path())));
    }

    static void mkdir(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        Entry e = ctx.files().mkdir(ctx.resolve(Arguments.path(argument)));
        ctx.reply(Reply.ok(line(e, e.path())));
    }

    static void remove(SessionContext ctx, String argument, boolean recursive)
            throws CommandException, BrokenConnectionException {
        String path = ctx.resolve(Arguments.path(argument));
        long started = System.nanoTime();
        String detail = recursive ? "recursive" : "";
        Entry removed;
        try {
            removed = ctx.files().remove(path, recursive);
        } catch (CommandException e) {
            ctx.audit("remove", ctx.user(), e.getMessage(), path, -1, "", elapsedMillis(started), detail);
            throw e;
        }
        ctx.audit(
                "remove",
                ctx.user(),
                "",
                removed.path(),
                removed.isDirectory() ? -1 : removed.size(),
                removed.isDirectory() ? "" : removed.sha256(),
                elapsedMillis(started),
                detail);
        ctx.reply(Reply.ok("removed"));
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    static void move(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        List<String> paths = Arguments.exactly(2, argument, Command.MV.usage());
        FileTree files = ctx.files();
        Entry e = files.move(ctx.resolve(paths.get(0)), ctx.resolve(paths.get(1)));
        ctx.reply(Reply.ok(line(e, e.path())));
    }

    static String line(Entry e, String name) {
        return new EntryLine(e.isDirectory(), e.size(), e.modified(), e.sha256(), name).format();
    }
}
