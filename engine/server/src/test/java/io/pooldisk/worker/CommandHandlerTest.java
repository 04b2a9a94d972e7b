package io.pooldisk.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pooldisk.control.SessionState;
import io.pooldisk.control.Tally;
import io.pooldisk.control.WorkerOptions;
import io.pooldisk.protocol.RequestLine;
import io.pooldisk.unix.DescriptorIo;
import io.pooldisk.unix.Errors;
import io.pooldisk.unix.FileDescriptor;
import io.pooldisk.unix.NativeException;
import io.pooldisk.unix.ProcessControl;
import io.pooldisk.unix.Sockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whatever a command throws costs at most its session: never the worker. */
class CommandHandlerTest {

    private static final String INTERNAL_ERROR = "ERR 500 internal error: the command failed unexpectedly\n";

    private final ClientConnection conn = new ClientConnection();
    private FileDescriptor[] pair;
    private SessionContext ctx;

    @BeforeEach
    void open() throws NativeException {
        pair = Sockets.seqpacketPair();
        Sockets.setNonBlocking(pair[1].intValue(), true);
        conn.open(pair[0], new byte[0], (events, midTransfer) -> false);
        WorkerOptions options =
                new WorkerOptions(0, null, Duration.ZERO, 5, Duration.ofMinutes(1), Duration.ofMinutes(5), "own");
        ctx = new SessionContext(
                SessionState.fresh("127.0.0.1:5"),
                conn,
                new WorkerServices(options),
                (command, bytes) -> {},
                record -> {});
    }

    @AfterEach
    void close() {
        conn.close();
        pair[1].close();
    }

    /** A handler whose every command is {@code body}. */
    private static CommandHandler commandThat(Body body) {
        return new CommandHandler() {
            @Override
            Next run(RequestLine request, SessionContext ctx) throws BrokenConnectionException {
                body.run(ctx);
                return Next.CONTINUE;
            }
        };
    }

    private interface Body {
        void run(SessionContext ctx) throws BrokenConnectionException;
    }

    private CommandHandler.Next handle(CommandHandler handler, String line) throws Exception {
        return handler.handle(RequestLine.parse(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8))), ctx);
    }

    @Test
    void anUnexpectedExceptionBeforeAnyReplyIsA500AndTheSessionGoesOn() throws Exception {
        CommandHandler.Next next = handle(
                commandThat(c -> {
                    throw new ArrayIndexOutOfBoundsException("Index 0 out of bounds for length 0");
                }),
                "LOGIN x");
        assertThat(next).isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(written()).isEqualTo(INTERNAL_ERROR);
    }

    @Test
    void aCommandThatRunsOutOfHeapOrStackCostsNoMoreThanItsAnswer() throws Exception {
        assertThat(handle(
                        commandThat(c -> {
                            throw new OutOfMemoryError("Java heap space");
                        }),
                        "LIST"))
                .isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(handle(
                        commandThat(c -> {
                            throw new StackOverflowError();
                        }),
                        "LIST"))
                .isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(written()).isEqualTo(INTERNAL_ERROR.repeat(2));
    }

    @Test
    void aCommandThatFailsAfterItsReplyBeganEndsTheSessionWithoutAnotherLine() throws Exception {
        // after OK DATA raw bytes follow: a line there would be read as the file's content
        CommandHandler.Next next = handle(
                commandThat(c -> {
                    c.reply("OK DATA 10 10 " + "0".repeat(64) + "\n");
                    throw new IllegalStateException("failed in the middle of the bytes");
                }),
                "GET 0 /f");
        assertThat(next).isEqualTo(CommandHandler.Next.FAILED);
        assertThat(written()).isEqualTo("OK DATA 10 10 " + "0".repeat(64) + "\n");
    }

    @Test
    void aStateBoundPassedIsA400AndTheSessionGoesOnUnchanged() throws Exception {
        CommandHandler.Next next = handle(commandThat(c -> c.state = c.state.withCwd("/" + "d".repeat(5000))), "CD x");
        assertThat(next).isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(written()).startsWith("ERR 400 the working directory would take 5001 bytes");
        assertThat(ctx.state.cwd()).isEqualTo("/");
    }

    @Test
    void theMasterGoingAwayIsNotTheCommandsFailure() {
        NativeException gone = new NativeException("sendmsg", Errors.EINVAL);
        assertThatThrownBy(() -> handle(
                        commandThat(c -> {
                            throw new Linger.MasterGoneException(gone);
                        }),
                        "GET 0 /f"))
                .isInstanceOf(Linger.MasterGoneException.class);
    }

    @Test
    void realCommandsStillAnswer() throws Exception {
        CommandHandler real = new CommandHandler();
        assertThat(handle(real, "ECHO hi")).isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(handle(real, "PROOF abc")).isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(handle(real, "QUIT")).isEqualTo(CommandHandler.Next.END_SESSION);
        assertThat(written())
                .isEqualTo("OK PROCESS[PID " + ProcessControl.getpid() + "]: HI\n"
                        + "ERR 400 PROOF comes after LOGIN\nOK bye\n");
    }

    /** The longest command word a worker reports to the master: control.SessionStateTest counts on this bound. */
    @Test
    void commandsAreCountedByVerbAndResultForTheMetrics() throws Exception {
        ctx.tally = new WorkerTally();
        CommandHandler real = new CommandHandler();
        handle(real, "ECHO hi");
        handle(real, "ECHO again");
        handle(real, "PROOF abc"); // ERR 400: no LOGIN before
        handle(real, "WHOAMI"); // ERR 401
        handle(real, "FROB");
        handle(
                commandThat(c -> {
                    throw new IllegalStateException("a bug");
                }),
                "LIST");
        ctx.tally.transfer(true, 42);
        Tally tally = ctx.tally.take();
        assertThat(tally.toString())
                .isEqualTo("Tally[ECHO OK=2, PROOF 400=1, WHOAMI 401=1, LIST 500=1, other 400=1, upload 42 ms]");
        assertThat(ctx.tally.take()).isSameAs(Tally.NONE);
    }

    @Test
    void everyCommandHasItsVerbInTheMetricsInTheTablesOrder() {
        assertThat(Tally.VERBS.subList(0, Tally.OTHER))
                .containsExactlyElementsOf(java.util.Arrays.stream(Command.values())
                        .map(Command::name)
                        .toList());
        assertThat(Tally.VERBS.get(Tally.OTHER)).isEqualTo("other");
        assertThat(WorkerTally.verbOf(null)).isEqualTo(Tally.OTHER);
    }

    @Test
    void aCommandWordAsReportedKeeps32Characters() {
        assertThat(CommandHandler.printable("\uffff".repeat(100))).isEqualTo("\uffff".repeat(32) + "...");
        assertThat(CommandHandler.printable("A\tB")).isEqualTo("A?B");
    }

    @Test
    void helpIsMadeFromTheTableInItsOrder() throws Exception {
        assertThat(handle(new CommandHandler(), "help")).isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(written())
                .isEqualTo("OK commands: ECHO <text>, LOGIN, PROOF, WHOAMI, PWD, CD <path>, "
                        + "LIST [<path>], STAT <path>, MKDIR <path>, RM <path>, RMTREE <path>, MV <from> <to>, "
                        + "PUT <size> <sha256> <path>, HASH <sha256>, GET <offset> <path>, HELP, QUIT\n");
    }

    @Test
    void theLoggedInCommandsAskForALoginBeforeLookingAtTheirArguments() throws Exception {
        CommandHandler real = new CommandHandler();
        String[] lines = {
            "WHOAMI",
            "PWD",
            "CD",
            "LIST",
            "STAT /x",
            "MKDIR \"open",
            "RM",
            "RMTREE /x",
            "MV a",
            "PUT 1",
            "HASH zz",
            "GET -1 /x"
        };
        for (String line : lines) {
            assertThat(handle(real, line)).isEqualTo(CommandHandler.Next.CONTINUE);
        }
        assertThat(written()).isEqualTo("ERR 401 log in first\n".repeat(lines.length));
        assertThat(handle(real, "FROB x")).isEqualTo(CommandHandler.Next.CONTINUE);
        assertThat(written()).isEqualTo("ERR 400 unknown command 'FROB'; try HELP\n");
    }

    /** What the client's end has received so far. */
    private String written() throws NativeException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        while (true) {
            buf.clear();
            int n = DescriptorIo.tryRead(pair[1].intValue(), buf);
            if (n <= 0) {
                return text.toString();
            }
            byte[] bytes = new byte[n];
            buf.flip().get(bytes);
            text.append(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
