package io.pooldisk.cli;

import io.pooldisk.auth.Accounts;
import io.pooldisk.client.ByteSizes;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.DiskStore;
import io.pooldisk.pool.DataDirs;
import io.pooldisk.protocol.ReplyCode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            UserCommand.Del.class,
            UserCommand.ListUsers.class
        })
final class UserCommand {

    /** {@code --data}, on every subcommand. */
    static final class DataDirOption {
        @Option(
                names = "--data",
                paramLabel = "DIR",
                description = "Data directory. Default: $XDG_DATA_HOME/pooldisk " + "or ~/.local/share/pooldisk.")
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

        @Override
        public Integer call() {
            try (DiskStore store = DiskStore.open(data.dir())) {
                run(Accounts.of(store), spec.commandLine().getOut());
                return 0;
            } catch (DiskException e) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
                return 1;
            }
        }

        boolean exists(Accounts accounts, String name) throws DiskException {
            return accounts.list().stream().anyMatch(u -> u.name().equals(name));
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description =
                    "Add a user. Asks for the password twice " + "(without echo) unless --password-stdin is given.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:added", "1:refused (user exists, bad name or password)", "2:bad command line"})
    static final class Add extends Action {

        @Parameters(
                paramLabel = "NAME",
                description = "1-64 letters, digits, '.', '_' or '-'; not starting with " + "'.' or '-'.")
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
        void run(Accounts accounts, PrintWriter out) throws DiskException {
            if (exists(accounts, name)) {
                throw new DiskException(ReplyCode.CONFLICT, "user " + name + " exists");
            }
            char[] password = Passwords.read(passwordStdin, name);
            try {
                accounts.add(name, password, quota);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("added user " + name + ", quota " + Sizes.quota(quota));
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
                accounts.setPassword(name, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("changed the password of " + name);
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
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the users: quota, space used, " + "when added.")
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
                        ReplyCode.BAD_REQUEST, "no terminal to ask for the password on: " + "use --password-stdin");
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

    /** Reads sizes as people write them: 500M, 2G, 10GiB, 1.5T, 100MB, or plain bytes. */
    static final class Sizes implements ITypeConverter<Long> {

        private static final Pattern FORM =
                Pattern.compile("(\\d{1,19}(?:\\.\\d{1,9})?)\\s*(?:([KMGTP])(iB|B)?|B)?", Pattern.CASE_INSENSITIVE);
        private static final String UNITS = "KMGTP";

        @Override
        public Long convert(String value) {
            Matcher m = FORM.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a size (examples: 500M, 2G, 10GiB, 1048576)");
            }
            BigDecimal n = new BigDecimal(m.group(1));
            if (m.group(2) != null) {
                int power = UNITS.indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
                boolean decimal = "B".equalsIgnoreCase(m.group(3));
                n = n.multiply(BigDecimal.valueOf(decimal ? 1000 : 1024).pow(power));
            }
            try {
                return n.setScale(0, RoundingMode.CEILING).longValueExact();
            } catch (ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is too large");
            }
        }

        static String quota(long bytes) {
            return bytes == 0 ? "unlimited" : ByteSizes.human(bytes);
        }
    }
}
