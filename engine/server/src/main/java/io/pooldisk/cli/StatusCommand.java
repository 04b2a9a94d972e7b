package io.pooldisk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pooldisk status}: the scoreboard of a running server, read from its control socket. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a running server's pool: figures and one line per worker.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:no server runs on that data directory", "2:bad command line"})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "The server's data directory. Default: $XDG_DATA_HOME/pooldisk or ~/.local/share/pooldisk.")
    Path data;

    @Option(names = "--json", description = "Print the scoreboard as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Path dir = ControlClient.dataDir(data);
        PrintWriter out = spec.commandLine().getOut();
        String reply;
        try {
            reply = ControlClient.request(dir, "STATUS");
        } catch (IOException e) {
            spec.commandLine().getErr().println("pooldisk status: " + ControlClient.noServer(dir, e));
            return 1;
        }
        if (reply.startsWith("ERR")) {
            spec.commandLine().getErr().println("pooldisk status: " + reply.trim());
            return 1;
        }
        if (json) {
            out.println(reply.trim());
        } else {
            try {
                print(new ObjectMapper().readTree(reply), out);
            } catch (IOException e) {
                spec.commandLine().getErr().println("pooldisk status: unreadable answer: " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    /** Prints the scoreboard; a server from before LINGERING sends no "lingering", shown as 0. */
    static void print(JsonNode s, PrintWriter out) {
        Instant started = Instant.parse(s.get("startedAt").asText());
        out.printf(
                "PoolDisk on %s, up %s (since %s)%n",
                s.get("listen").asText(), human(Duration.between(started, Instant.now())), started);
        out.printf(
                "connections accepted %d, refused %d; queued now %d, most ever %d%n",
                s.get("accepted").asLong(),
                s.get("rejected").asLong(),
                s.get("queued").asInt(),
                s.get("maxQueued").asInt());
        out.printf(
                "workers %d: idle %d, busy %d, lingering %d, starting %d; most serving at once %d; all busy %d "
                        + "times%n",
                s.get("total").asInt(),
                s.get("idle").asInt(),
                s.get("busy").asInt(),
                s.path("lingering").asInt(),
                s.get("starting").asInt(),
                s.get("maxBusy").asInt(),
                s.get("allBusyCount").asLong());
        out.printf(
                "commands served %d; sessions open %d%n%n",
                s.get("requestsServed").asLong(), s.get("sessions").size());
        out.printf(
                "%-4s %-8s %-9s %9s %8s %9s  %-12s %s%n",
                "SLOT", "PID", "STATE", "REQUESTS", "RSS", "UPTIME", "COMMAND", "CLIENT");
        for (JsonNode w : s.get("workers")) {
            Duration up = Duration.between(Instant.parse(w.get("startedAt").asText()), Instant.now());
            out.printf(
                    "%-4d %-8d %-9s %9d %7.1fM %9s  %-12s %s%n",
                    w.get("slot").asInt(),
                    w.get("pid").asInt(),
                    w.get("state").asText(),
                    w.get("requests").asLong(),
                    w.get("rssBytes").asLong() / 1048576.0,
                    w.get("pid").asInt() == 0 ? "-" : human(up),
                    w.get("command").asText(),
                    w.get("client").asText());
        }
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 86_400) {
            return s / 86_400 + "d" + (s % 86_400) / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h" + (s % 3600) / 60 + "m";
        }
        return s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    }
}
