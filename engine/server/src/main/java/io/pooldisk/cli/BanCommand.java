package io.pooldisk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pooldisk.auth.AddressRange;
import io.pooldisk.auth.Ban;
import io.pooldisk.auth.BanList;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.AuditLog;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.BanJson;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.protocol.Reply;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code pooldisk ban}: the ban list. With a server running, through its control socket (so the server applies a
 * change at once); with none, on the list stored in the data directory, which the server reads when it starts.
 */
@Command(
        name = "ban",
        mixinStandardHelpOptions = true,
        description = "List, add and lift bans of addresses and networks (also while no server runs).",
        subcommands = {BanCommand.ListBans.class, BanCommand.Add.class, BanCommand.Del.class})
final class BanCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One subcommand: the same answer from the running server or from the stored list; a refusal exits 1. */
    abstract static class Action implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        UserCommand.DataDirOption data;

        /** The control socket's request line. */
        abstract String request();

        /** The answer the server would give, from the stored list while none runs. */
        abstract String stored(BanList bans) throws DiskException;

        abstract void show(String answer, PrintWriter out) throws IOException;

        /** Whether it changes the list (then a change made with no server running says when it applies). */
        boolean changes() {
            return true;
        }

        /** The audit record of a change made on the stored list (a running server audits its own); null for none. */
        AuditRecord audited() {
            return null;
        }

        @Override
        public Integer call() {
            Path dir = data.dir();
            PrintWriter err = spec.commandLine().getErr();
            String answer;
            boolean offline = false;
            try {
                answer = ControlClient.request(dir, request());
            } catch (IOException noServer) {
                String missing = DataDirs.whyNotADataDir(dir);
                if (missing != null) {
                    err.println(spec.qualifiedName() + ": " + missing);
                    return 1;
                }
                offline = true;
                try (DiskStore store = DiskStore.open(dir)) {
                    answer = stored(BanList.of(store));
                } catch (DiskException e) {
                    answer = e.replyLine();
                }
            }
            if (answer.startsWith("ERR")) {
                // "ERR 404 no ban on ..." -> "no ban on ...": the code means nothing to a person
                err.println(spec.qualifiedName() + ": " + answer.strip().replaceFirst("^ERR \\d+ ", ""));
                return 1;
            }
            try {
                show(answer, spec.commandLine().getOut());
            } catch (IOException e) {
                err.println(spec.qualifiedName() + ": unreadable answer: " + e.getMessage());
                return 1;
            }
            if (offline && audited() != null) {
                try {
                    AuditLog.append(dir, audited());
                } catch (IOException e) {
                    err.println(spec.qualifiedName() + ": the change is made, but not in audit.log: " + e.getMessage());
                }
            }
            if (offline && changes()) {
                err.println("(no server is running on " + dir + ": the stored list was changed, and applies when the "
                        + "server starts)");
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the bans in force: manual ones and those after failed logins (automatic).",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "1:no data directory there, or it could not be read", "2:bad command line"})
    static final class ListBans extends Action {

        @Option(names = "--json", description = "Print the list as JSON.")
        boolean json;

        @Override
        String request() {
            return "BAN LIST";
        }

        @Override
        String stored(BanList bans) throws DiskException {
            return BanJson.write(bans.list());
        }

        @Override
        boolean changes() {
            return false;
        }

        @Override
        void show(String answer, PrintWriter out) throws IOException {
            if (json) {
                out.println(answer.strip());
                return;
            }
            JsonNode list = JSON.readTree(answer);
            if (list.isEmpty()) {
                out.println("no bans");
                return;
            }
            String format = "%-24s %-9s %-20s %-20s %s%n";
            out.printf(format, "NETWORK", "SOURCE", "SINCE", "UNTIL", "REASON");
            for (JsonNode b : list) {
                out.printf(
                        format,
                        b.get("network").asText(),
                        b.get("source").asText(),
                        seconds(b.get("since").asText()),
                        b.get("until").isNull()
                                ? "permanent"
                                : seconds(b.get("until").asText()),
                        b.get("reason").asText());
            }
        }

        /** An ISO instant without its fraction of a second: the table is for reading. */
        private static String seconds(String instant) {
            return java.time.Instant.parse(instant)
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .toString();
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Ban an address or a network (CIDR): new connections from it are refused, open sessions closed.",
                "Examples: ban add 10.0.0.0/8 --for 2h --reason \"port scan\"; ban add 2001:db8::/32 --permanent"
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:banned", "1:refused, or no data directory there", "2:bad command line"})
    static final class Add extends Action {

        @Parameters(paramLabel = "ADDRESS", description = "An address (192.0.2.7, ::1) or a network (10.0.0.0/8).")
        String target;

        @Option(
                names = "--for",
                paramLabel = "DURATION",
                converter = LengthConverter.class,
                description = "How long: 90s, 10m, 2h, 7d.")
        Duration length;

        @Option(names = "--permanent", description = "Until it is lifted with 'pooldisk ban del'.")
        boolean permanent;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the list.")
        String reason = "";

        private AddressRange range;

        @Override
        public Integer call() {
            try {
                range = AddressRange.parse(target);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            if (permanent == (length != null)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "give either --for DURATION or --permanent");
            }
            return super.call();
        }

        @Override
        String request() {
            // one line: a reason cannot carry a line break onto the control socket
            String why = reason.replaceAll("\\p{Cntrl}", " ").strip();
            return "BAN ADD " + range + " " + Ban.formatLength(length) + (why.isEmpty() ? "" : " " + why);
        }

        @Override
        AuditRecord audited() {
            return AuditRecord.of(AuditRecord.BAN)
                    .address(range.toString())
                    .durationMs(length == null ? 0 : length.toMillis())
                    .detail(reason)
                    .via("cli")
                    .build();
        }

        @Override
        String stored(BanList bans) throws DiskException {
            Ban ban = bans.add(range, length, reason);
            return Reply.ok("banned " + ban.range() + (ban.permanent() ? " permanently" : " until " + ban.until()));
        }

        @Override
        void show(String answer, PrintWriter out) {
            out.println(answer.strip().substring(3));
        }
    }

    @Command(
            name = "del",
            mixinStandardHelpOptions = true,
            description = {
                "Lift the ban on an address or network, as 'ban list' shows it.",
                "Lifting an automatic ban also forgets the address's failed logins: its next login is allowed."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:lifted", "1:no such ban, or no data directory there", "2:bad command line"})
    static final class Del extends Action {

        @Parameters(paramLabel = "ADDRESS", description = "The address or network of the ban.")
        String target;

        private AddressRange range;

        @Override
        public Integer call() {
            try {
                range = AddressRange.parse(target);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            return super.call();
        }

        @Override
        String request() {
            return "BAN DEL " + range;
        }

        @Override
        AuditRecord audited() {
            return AuditRecord.of(AuditRecord.UNBAN)
                    .address(range.toString())
                    .via("cli")
                    .build();
        }

        @Override
        String stored(BanList bans) throws DiskException {
            return bans.remove(range)
                    ? Reply.ok("lifted the ban on " + range)
                    : Reply.err(io.pooldisk.protocol.ReplyCode.NOT_FOUND, "no ban on " + range);
        }

        @Override
        void show(String answer, PrintWriter out) {
            out.println(answer.strip().substring(3));
        }
    }

    /** A ban's length: the {@code --for} syntax of the other commands (10s, 5m, 1h) and days (7d). */
    static final class LengthConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration d = Ban.parseLength(value);
                if (d == null) {
                    throw new TypeConversionException("for a permanent ban, give --permanent instead of --for");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
