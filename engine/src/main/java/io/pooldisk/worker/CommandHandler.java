package io.pooldisk.worker;

import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.Native;

/** Runs one request line of a session and writes its reply. */
final class CommandHandler {

    /** What the session does after a command. */
    enum Next { CONTINUE, END_SESSION }

    private final long pid = Native.getpid();

    Next handle(RequestLine request, ClientConnection conn) throws BrokenConnectionException {
        switch (request.command()) {
            case "ECHO" -> conn.write(Reply.echo(pid, request.argument()));
            case "QUIT" -> {
                conn.write(Reply.ok("bye"));
                return Next.END_SESSION;
            }
            case "HELP" -> conn.write(Reply.ok("commands: ECHO <text>, HELP, QUIT"));
            default -> conn.write(Reply.err(Reply.BAD_REQUEST, "unknown command '" + printable(request.command())
                    + "'; try HELP"));
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
