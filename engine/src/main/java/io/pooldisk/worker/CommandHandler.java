package io.pooldisk.worker;

import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ProtocolException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.RequestLine;

/** Runs one request line of a session and writes its reply (docs/PROTOCOL.md). */
final class CommandHandler {

    /** What the session does after a command. */
    enum Next { CONTINUE, END_SESSION }

    static final String HELP = "commands: ECHO <text>, LOGIN, PROOF, WHOAMI, PWD, CD <path>, LIST [<path>], "
            + "STAT <path>, MKDIR <path>, RM <path>, RMTREE <path>, MV <from> <to>, PUT <size> <sha256> <path>, "
            + "HASH <sha256>, GET <offset> <path>, HELP, QUIT";

    Next handle(RequestLine request, SessionContext ctx) throws BrokenConnectionException {
        String arg = request.argument();
        try {
            switch (request.command()) {
                case "ECHO" -> ctx.reply(Reply.echo(ctx.services.pid, arg));
                case "HELP" -> ctx.reply(Reply.ok(HELP));
                case "QUIT" -> {
                    ctx.reply(Reply.ok("bye"));
                    return Next.END_SESSION;
                }
                case "LOGIN" -> AccountCommands.login(ctx, arg);
                case "PROOF" -> AccountCommands.proof(ctx, arg);
                case "WHOAMI" -> AccountCommands.whoami(ctx);
                case "PWD" -> FileCommands.pwd(ctx);
                case "CD" -> FileCommands.cd(ctx, arg);
                case "LIST" -> FileCommands.list(ctx, arg);
                case "STAT" -> FileCommands.stat(ctx, arg);
                case "MKDIR" -> FileCommands.mkdir(ctx, arg);
                case "RM" -> FileCommands.remove(ctx, arg, false);
                case "RMTREE" -> FileCommands.remove(ctx, arg, true);
                case "MV" -> FileCommands.move(ctx, arg);
                case "PUT" -> TransferCommands.put(ctx, arg);
                case "HASH" -> {
                    ctx.user(); // like every command of the logged-in table: ERR 401 before anything else
                    TransferCommands.hash(ctx, arg);
                }
                case "GET" -> TransferCommands.get(ctx, arg);
                default -> ctx.reply(Reply.err(Reply.BAD_REQUEST, "unknown command '"
                        + printable(request.command()) + "'; try HELP"));
            }
        } catch (ProtocolException e) {
            ctx.reply(e.replyLine());
        } catch (DiskException e) {
            ctx.reply(Reply.err(e.code(), e.getMessage()));
        }
        return Next.CONTINUE;
    }

    /** A command word as it may be shown back: at most 32 characters, control characters replaced. */
    private static String printable(String word) {
        String shown = word.length() > 32 ? word.substring(0, 32) + "..." : word;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
