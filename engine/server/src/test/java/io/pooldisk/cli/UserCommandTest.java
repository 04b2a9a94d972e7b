package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ongres.scram.client.ScramClient;
import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.ScramServer;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.testing.BulkEntries;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** {@code pooldisk user} as a real process: passwords on standard input, exit codes, one-line messages. */
class UserCommandTest {

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private Run user(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.pooldisk.cli.PoolDiskCommand",
                "user"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pooldisk user did not finish: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String data() {
        return tmp.resolve("data").toString();
    }

    @Test
    void addsAUserWhoCanThenLogIn() throws Exception {
        Run add = user("pa55 word\n", "add", "alice", "--quota", "2G", "--password-stdin", "--data", data());
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains("added user alice, quota 2.0 GiB");

        try (DiskStore store = DiskStore.open(tmp.resolve("data"))) {
            assertThat(Accounts.of(store).list())
                    .extracting(Accounts.UserInfo::quotaBytes)
                    .containsExactly(2L << 30);
            assertThat(logIn(store, "alice", "pa55 word")).isTrue();
        }
    }

    @Test
    void accountChangesAndRefusalsGoToTheAuditLog() throws Exception {
        assertThat(user("pa55 word\n", "add", "alice", "--quota", "2G", "--password-stdin", "--data", data())
                        .exit())
                .isZero();
        assertThat(user("", "quota", "alice", "500M", "--data", data()).exit()).isZero();
        assertThat(user("other\n", "add", "alice", "--password-stdin", "--data", data())
                        .exit())
                .isOne();
        assertThat(user("", "list", "--data", data()).exit()).isZero(); // changes nothing: not audited

        Path audit = tmp.resolve("data").resolve("audit.log");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            lines.add(json.readTree(line));
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("event").asText()).isEqualTo("user.add");
        assertThat(lines.get(0).get("user").asText()).isEqualTo("alice");
        assertThat(lines.get(0).get("quotaBytes").asLong()).isEqualTo(2L << 30);
        assertThat(lines.get(0).get("result").asText()).isEqualTo("success");
        assertThat(lines.get(0).get("via").asText()).isEqualTo("cli");
        assertThat(lines.get(0).toString()).doesNotContain("pa55"); // never a password
        assertThat(lines.get(1).get("event").asText()).isEqualTo("user.quota");
        assertThat(lines.get(1).get("quotaBytes").asLong()).isEqualTo(500L << 20);
        assertThat(lines.get(2).get("event").asText()).isEqualTo("user.add");
        assertThat(lines.get(2).get("result").asText()).isEqualTo("failure");
        assertThat(lines.get(2).get("reason").asText()).isEqualTo("user alice exists");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(audit)))
                .isEqualTo("rw-------");
    }

    @Test
    void changesPasswordsListsAndDeletes() throws Exception {
        assertThat(user("first password\n", "add", "bob", "--password-stdin", "--data", data())
                        .exit())
                .isZero();
        assertThat(user("carol's password\n", "add", "carol", "--quota", "500M", "--password-stdin", "--data", data())
                        .exit())
                .isZero();
        Run passwd = user("second password\r\n", "passwd", "bob", "--password-stdin", "--data", data());
        assertThat(passwd.exit()).as(passwd.err()).isZero();
        try (DiskStore store = DiskStore.open(tmp.resolve("data"))) {
            assertThat(logIn(store, "bob", "first password")).isFalse();
            assertThat(logIn(store, "bob", "second password")).isTrue();
        }

        Run list = user("", "list", "--data", data());
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).hasSize(3);
        assertThat(list.out().lines().toList().get(0)).startsWith("NAME").contains("QUOTA", "USED");
        assertThat(list.out()).containsPattern("bob +unlimited +0 B").containsPattern("carol +500.0 MiB +0 B");

        Run del = user("", "del", "bob", "--data", data());
        assertThat(del.exit()).isZero();
        assertThat(user("", "list", "--data", data()).out()).doesNotContain("bob");
    }

    @Test
    void refusalsAreOneLineAndExitOne() throws Exception {
        user("password1\n", "add", "alice", "--password-stdin", "--data", data());
        Run exists = user("password1\n", "add", "alice", "--password-stdin", "--data", data());
        assertThat(exists.exit()).isEqualTo(1);
        assertThat(exists.err()).isEqualTo("pooldisk user add: user alice exists\n");

        Run badName = user("password1\n", "add", ".alice", "--password-stdin", "--data", data());
        assertThat(badName.exit()).isEqualTo(1);
        assertThat(badName.err().lines()).hasSize(1).first().asString().contains("a user name is 1-64");

        Run noUser = user("", "del", "nobody", "--data", data());
        assertThat(noUser.exit()).isEqualTo(1);
        assertThat(noUser.err()).isEqualTo("pooldisk user del: no such user: nobody\n");

        Run noTerminal = user("", "add", "dave", "--data", data());
        assertThat(noTerminal.exit()).isEqualTo(1);
        assertThat(noTerminal.err())
                .isEqualTo("pooldisk user add: no terminal to ask for the password on: " + "use --password-stdin\n");

        Run emptyStdin = user("", "passwd", "alice", "--password-stdin", "--data", data());
        assertThat(emptyStdin.exit()).isEqualTo(1);
        assertThat(emptyStdin.err()).contains("no password on standard input");
    }

    @Test
    void setsQuotasInTheUnitsOfAddAndWarnsBelowWhatIsStored() throws Exception {
        user("password1\n", "add", "ann", "--password-stdin", "--data", data());
        Run quota = user("", "quota", "ann", "10G", "--data", data());
        assertThat(quota.exit()).as(quota.err()).isZero();
        assertThat(quota.out()).isEqualTo("quota of ann is now 10.0 GiB\n");
        assertThat(quota.err()).isEmpty();
        assertThat(user("", "quota", "ann", "1.5GB", "--data", data()).out()).contains("1.4 GiB");

        BulkEntries.addFiles(tmp.resolve("data"), "ann", "/", List.of("a", "b"), 3 << 20);
        Run below = user("", "quota", "ann", "5M", "--data", data());
        assertThat(below.exit()).isZero();
        assertThat(below.out()).isEqualTo("quota of ann is now 5.0 MiB\n");
        assertThat(below.err())
                .isEqualTo("warning: ann stores 6.0 MiB already, more than the new quota: their uploads are refused"
                        + " until they remove 1.0 MiB\n");

        Run nobody = user("", "quota", "nobody", "1G", "--data", data());
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).isEqualTo("pooldisk user quota: no such user: nobody\n");
        assertThat(user("", "quota", "ann", "lots", "--data", data()).exit()).isEqualTo(2);
    }

    @Test
    void shortPasswordsAreRefused() throws Exception {
        Run add = user("seven77\n", "add", "ann", "--password-stdin", "--data", data());
        assertThat(add.exit()).isEqualTo(1);
        assertThat(add.err()).isEqualTo("pooldisk user add: a password needs at least 8 characters\n");
        user("password1\n", "add", "ann", "--password-stdin", "--data", data());
        Run passwd = user("short\n", "passwd", "ann", "--password-stdin", "--data", data());
        assertThat(passwd.exit()).isEqualTo(1);
        assertThat(passwd.err()).contains("at least 8 characters");
    }

    @Test
    void commandsThatReadADataDirectoryNeverMakeOne() throws Exception {
        Path typo = tmp.resolve("dta");
        for (String[] args :
                new String[][] {{"list"}, {"del", "ann"}, {"quota", "ann", "1G"}, {"passwd", "ann", "--password-stdin"}
                }) {
            List<String> withData = new ArrayList<>(List.of(args));
            withData.addAll(List.of("--data", typo.toString()));
            Run r = user("password1\n", withData.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).contains("no data directory at " + typo + " (it does not exist)");
        }
        assertThat(typo).doesNotExist();

        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Run onAFile = user("", "list", "--data", file.toString());
        assertThat(onAFile.exit()).isEqualTo(1);
        assertThat(onAFile.err())
                .isEqualTo(
                        "pooldisk user list: cannot use data directory " + file + ": it is a file, not a directory\n");
    }

    @Test
    void aBadCommandLineIsOneLineAndExitTwo() throws Exception {
        Run badSize = user("password1\n", "add", "erin", "--quota", "lots", "--password-stdin", "--data", data());
        assertThat(badSize.exit()).isEqualTo(2);
        assertThat(badSize.err().lines())
                .hasSize(1)
                .first()
                .asString()
                .contains("'lots' is not a size")
                .contains("pooldisk user add --help");

        Run unknown = user("", "list", "--dta", data());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().lines()).hasSize(1);

        Run noSubcommand = user("");
        assertThat(noSubcommand.exit()).isEqualTo(2);
        assertThat(noSubcommand.err().lines()).hasSize(1);
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        UserCommand.Sizes sizes = new UserCommand.Sizes();
        assertThat(sizes.convert("1048576")).isEqualTo(1L << 20);
        assertThat(sizes.convert("500M")).isEqualTo(500L << 20);
        assertThat(sizes.convert("2G")).isEqualTo(2L << 30);
        assertThat(sizes.convert("10GiB")).isEqualTo(10L << 30);
        assertThat(sizes.convert("1.5g")).isEqualTo(3L << 29);
        assertThat(sizes.convert("100MB")).isEqualTo(100_000_000L);
        assertThat(sizes.convert("0")).isZero();
        assertThat(sizes.convert("512B")).isEqualTo(512);
        assertThatThrownBy(() -> sizes.convert("-1G")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> sizes.convert("9999999P"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("too large");
        assertThat(io.pooldisk.client.ByteSizes.human(1536)).isEqualTo("1.5 KiB");
        assertThat(UserCommand.Sizes.quota(0)).isEqualTo("unlimited");
    }

    private static boolean logIn(DiskStore store, String user, String password) throws Exception {
        ScramClient client = ScramClient.builder()
                .advertisedMechanisms(List.of("SCRAM-SHA-256"))
                .username(user)
                .password(password.toCharArray())
                .build();
        ScramServer server = new ScramServer(Accounts.of(store));
        ScramServer.First first = server.first(client.clientFirstMessage().toString());
        client.serverFirstMessage(first.serverFirstMessage());
        try {
            server.last(first.state(), client.clientFinalMessage().toString());
            return true;
        } catch (io.pooldisk.disk.DiskException e) {
            return false;
        }
    }
}
