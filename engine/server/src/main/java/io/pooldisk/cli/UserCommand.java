package io.pooldisk.cli;

import io.pooldisk.auth.Accounts;
import io.pooldisk.auth.PasswordPolicy;
import io.pooldisk.client.ByteSizes;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.AuditLog;
import io.pooldisk.pool.AuditRecord;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.protocol.ReplyCode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code pooldisk user}: the accounts of a data directory. Works beside a running server. */
@Command(
        name = "user",
        mixinStandardHelpOptions = true,
        description = "Manage the users of a data directory (also while a server runs on it).",
        subcommands = {
            UserCommand.Add.class,
            UserCommand.Passwd.class,
            UserCommand.Quota.class,
            UserCommand.Del.class,
            UserCommand.ListUsers.class
        })
final class UserCommand {

    /** {@code --data}, on every subcommand. */
    static final class DataDirOption {
        @Option(
                names = "--data",
                paramLabel = "DIR",
                description = "Data directory. Default: $XDG_DATA_HOME/pooldisk or ~/.local/share/pooldisk.")
        Path data;

        Path dir() {
            return data != null ? data.toAbsolutePath() : DataDirs.defaultDataDir();
        }
    }

    /** One subcommand's work on the open store; a refusal is one line on standard error and exit code 1. */
    abstract static class Action implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        DataDirOption data;

        abstract void run(Accounts accounts, PrintWriter out) throws DiskException;

        /** The audit log's record of this change, successful or not; null for a command that changes nothing. */
        AuditRecord.Builder audit() {
            return null;
        }

        /** Only {@code add} may make a data directory; the others refuse one that is not there (a typo in --data). */
        boolean mayCreateDataDir() {
            return false;
        }

        @Override
        public Integer call() {
            Path dir = data.dir();
            String missing = mayCreateDataDir() ? null : DataDirs.whyNotADataDir(dir);
            if (missing != null) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": " + missing);
                return 1;
            }
            try (DiskStore store = DiskStore.open(dir)) {
                try {
                    run(Accounts.of(store), spec.commandLine().getOut());
                } catch (DiskException e) {
                    audit(dir, e.getMessage());
                    throw e;
                }
                audit(dir, null);
                return 0;
            } catch (DiskException e) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
                return 1;
            }
        }

        /**
         * Appends this change to audit.log with O_APPEND, one write a line: safe beside a running server's writer
         * (see {@link AuditLog#append}). The change is made whether or not the line can be written.
         */
        private void audit(Path dir, String failure) {
            AuditRecord.Builder record = audit();
            if (record == null) {
                return;
            }
            if (failure != null) {
                record.failure(failure);
            }
            try {
                AuditLog.append(dir, record.via("cli").build());
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("warning: cannot write the audit log: " + e.getMessage());
            }
        }

        boolean exists(Accounts accounts, String name) throws DiskException {
            return accounts.list().stream().anyMatch(u -> u.name().equals(name));
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Add a user. Asks for the password twice (without echo) unless --password-stdin is given.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:added", "1:refused (user exists, bad name or password)", "2:bad command line"})
    static final class Add extends Action {

        @Parameters(
                paramLabel = "NAME",
                description = "1-64 letters, digits, '.', '_' or '-'; not starting with '.' or '-'.")
        String name;

        @Option(
                names = "--quota",
                paramLabel = "SIZE",
                converter = Sizes.class,
                description = "Storage allowed: "
                        + "bytes, or with K, M, G, T (powers of 1024; KiB... too) or KB, MB, GB, TB (powers of 1000). "
                        + "0 is unlimited. Default: 0.")
        long quota;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        boolean mayCreateDataDir() {
            return true;
        }

        @Override
        void run(Accounts accounts, PrintWriter out) throws DiskException {
            if (exists(accounts, name)) {
                throw new DiskException(ReplyCode.CONFLICT, "user " + name + " exists");
            }
            char[] password = Passwords.read(passwordStdin, name);
            try {
                PasswordPolicy.check(password);
                accounts.add(name, password, quota);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("added user " + name + ", quota " + Sizes.quota(quota));
        }

        @Override
        AuditRecord.Builder audit() {
            return AuditRecord.of(AuditRecord.USER_ADD).user(name).quotaBytes(quota);
        }
    }

    @Command(
            name = "passwd",
            mixinStandardHelpOptions = true,
            description = "Set a user's password.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:changed", "1:refused (no such user, bad password)", "2:bad command line"})
    static final class Passwd extends Action {

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        void run(Accounts accounts, PrintWriter out) throws DiskException {
            if (!exists(accounts, name)) {
                throw new DiskException(ReplyCode.NOT_FOUND, "no such user: " + name);
            }
            char[] password = Passwords.read(passwordStdin, name);
            try {
                PasswordPolicy.check(password);
                accounts.setPassword(name, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("changed the password of " + name);
        }

        @Override
        AuditRecord.Builder audit() {
            return AuditRecord.of(AuditRecord.USER_PASSWORD).user(name);
        }
    }

    @Command(
            name = "quota",
            mixinStandardHelpOptions = true,
            description = "Set a user's quota. Below what the user stores already, it is set all the same and says so:"
                    + " their uploads are then refused until they remove files.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:set", "1:refused (no such user)", "2:bad command line"})
    static final class Quota extends Action {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(
                index = "1",
                paramLabel = "SIZE",
                converter = Sizes.class,
                description = "As --quota of add: 10G, 500M, 1.5T, 100GB, bytes; 0 is unlimited.")
        long quota;

        @Override
        void run(Accounts accounts, PrintWriter out) throws DiskException {
            Accounts.UserInfo user = accounts.list().stream()
                    .filter(u -> u.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new DiskException(ReplyCode.NOT_FOUND, "no such user: " + name));
            accounts.setQuota(name, quota);
            out.println("quota of " + name + " is now " + Sizes.quota(quota));
            if (quota != 0 && user.usedBytes() > quota) {
                spec.commandLine()
                        .getErr()
                        .println("warning: " + name + " stores " + ByteSizes.human(user.usedBytes())
                                + " already, more than the new quota: their uploads are refused until they remove "
                                + ByteSizes.human(user.usedBytes() - quota));
            }
        }

        @Override
        AuditRecord.Builder audit() {
            return AuditRecord.of(AuditRecord.USER_QUOTA).user(name).quotaBytes(quota);
        }
    }

    @Command(
            name = "del",
            mixinStandardHelpOptions = true,
            description = "Delete a user and all their files.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:deleted", "1:no such user", "2:bad command line"})
    static final class Del extends Action {

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(Accounts accounts, PrintWriter out) throws DiskException {
            accounts.delete(name);
            out.println("deleted user " + name + " and their files");
        }

        @Override
        AuditRecord.Builder audit() {
            return AuditRecord.of(AuditRecord.USER_DELETE).user(name);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the users: quota, space used, when added.")
    static final class ListUsers extends Action {

        private static final DateTimeFormatter CREATED =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

        @Override
        void run(Accounts accounts, PrintWriter out) throws DiskException {
            out.printf("%-24s %12s %12s  %s%n", "NAME", "QUOTA", "USED", "ADDED");
            for (Accounts.UserInfo u : accounts.list()) {
                out.printf(
                        "%-24s %12s %12s  %s%n",
                        u.name(),
                        Sizes.quota(u.quotaBytes()),
                        ByteSizes.human(u.usedBytes()),
                        CREATED.format(u.created()));
            }
        }
    }

    /** Passwords from standard input or from the terminal, never from the command line (it shows in ps). */
    static final class Passwords {

        private Passwords() {}

        static char[] read(boolean fromStdin, String user) throws DiskException {
            return fromStdin ? fromStdin() : fromTerminal(user);
        }

        private static char[] fromStdin() throws DiskException {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new DiskException(ReplyCode.BAD_REQUEST, "no password on standard input");
                }
                return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
            } catch (IOException e) {
                throw new DiskException(ReplyCode.BAD_REQUEST, "cannot read standard input: " + e.getMessage());
            }
        }

        private static char[] fromTerminal(String user) throws DiskException {
            Console console = System.console();
            if (console == null) {
                throw new DiskException(
                        ReplyCode.BAD_REQUEST, "no terminal to ask for the password on: use --password-stdin");
            }
            char[] first = console.readPassword("Password for %s: ", user);
            char[] again = first == null ? null : console.readPassword("Again: ");
            if (first == null || again == null) {
                throw new DiskException(ReplyCode.BAD_REQUEST, "no password given");
            }
            boolean same = Arrays.equals(first, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new DiskException(ReplyCode.BAD_REQUEST, "the passwords do not match");
            }
            return first;
        }
    }

    /** Reads sizes as people write them ({@link ByteSizes#parse}): 500M, 2G, 10GiB, 1.5T, 100MB, or plain bytes. */
    static final class Sizes implements ITypeConverter<Long> {

        @Override
        public Long convert(String value) {
            try {
                return ByteSizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        static String quota(long bytes) {
            return bytes == 0 ? "unlimited" : ByteSizes.human(bytes);
        }
    }
}
