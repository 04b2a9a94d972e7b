package io.pooldisk.worker;

import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.Reply;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command table (docs/PROTOCOL.md, "Commands"), in the order HELP lists it: each command's usage as HELP shows it,
 * whether it is one of the logged-in commands, and what runs it. {@link CommandHandler} dispatches by it and checks
 * the login once, before a logged-in command runs; HELP's line is made from it.
 */
enum Command {
    ECHO("ECHO <text>", Access.ANYONE, (ctx, arg) -> ctx.reply(Reply.echo(ctx.services.pid, arg))),
    LOGIN("LOGIN", Access.ANYONE, AccountCommands::login),
    PROOF("PROOF", Access.ANYONE, AccountCommands::proof),
    WHOAMI("WHOAMI", Access.LOGGED_IN, (ctx, arg) -> AccountCommands.whoami(ctx)),
    PWD("PWD", Access.LOGGED_IN, (ctx, arg) -> FileCommands.pwd(ctx)),
    CD("CD <path>", Access.LOGGED_IN, FileCommands::cd),
    LIST("LIST [<path>]", Access.LOGGED_IN, FileCommands::list),
    STAT("STAT <path>", Access.LOGGED_IN, FileCommands::stat),
    MKDIR("MKDIR <path>", Access.LOGGED_IN, FileCommands::mkdir),
    RM("RM <path>", Access.LOGGED_IN, (ctx, arg) -> FileCommands.remove(ctx, arg, false)),
    RMTREE("RMTREE <path>", Access.LOGGED_IN, (ctx, arg) -> FileCommands.remove(ctx, arg, true)),
    MV("MV <from> <to>", Access.LOGGED_IN, FileCommands::move),
    PUT("PUT <size> <sha256> <path>", Access.LOGGED_IN, TransferCommands::put),
    HASH("HASH <sha256>", Access.LOGGED_IN, TransferCommands::hash),
    GET("GET <offset> <path>", Access.LOGGED_IN, TransferCommands::get),
    HELP("HELP", Access.ANYONE, (ctx, arg) -> ctx.reply(Reply.ok(Command.helpText()))),
    /** The one command after which the session ends. */
    QUIT("QUIT", Access.ANYONE, (ctx, arg) -> ctx.reply(Reply.ok("bye")));

    /** Who may run a command: anyone, or only a logged-in session (ERR 401 "log in first" otherwise). */
    enum Access {
        ANYONE,
        LOGGED_IN
    }

    /** What a command does with its session and the rest of its request line. */
    @FunctionalInterface
    interface Action {
        void run(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException;
    }

    private static final Map<String, Command> BY_NAME = new HashMap<>();
    /** HELP's text: "commands: " and every usage, separated by ", ". */
    private static final String HELP_TEXT =
            Stream.of(values()).map(Command::usage).collect(Collectors.joining(", ", "commands: ", ""));

    static {
        for (Command c : values()) {
            BY_NAME.put(c.name(), c);
        }
    }

    private final String usage;
    private final Access access;
    private final Action action;

    Command(String usage, Access access, Action action) {
        if (!usage.equals(name()) && !usage.startsWith(name() + " ")) {
            throw new IllegalArgumentException("the usage of " + name() + " must start with its name: " + usage);
        }
        this.usage = usage;
        this.access = access;
        this.action = action;
    }

    /** The command a request line's (upper-cased) first word names, or null. */
    static Command named(String word) {
        return BY_NAME.get(word);
    }

    static String helpText() {
        return HELP_TEXT;
    }

    /** "PUT <size> <sha256> <path>": as HELP shows it, and as a wrong argument count's ERR 400 quotes it. */
    String usage() {
        return usage;
    }

    boolean needsLogin() {
        return access == Access.LOGGED_IN;
    }

    /** Runs the command (its login already checked); what the session does next. */
    CommandHandler.Next run(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        action.run(ctx, argument);
        return this == QUIT ? CommandHandler.Next.END_SESSION : CommandHandler.Next.CONTINUE;
    }
}
