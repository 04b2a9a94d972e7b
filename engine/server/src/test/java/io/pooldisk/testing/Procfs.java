package io.pooldisk.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What /proc says about processes: whether they live, their CPU time, descriptors and listening sockets. */
public final class Procfs {

    private Procfs() {}

    /** True while the process exists and is not a zombie. */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** CPU time the process has used, user and system, in milliseconds (the kernel counts in clock ticks of 10 ms). */
    public static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime (fields 14, 15)
    }

    public static int openFdCount(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    /** The targets of a process's descriptors, such as "socket:[1234]" or "/tmp/x". */
    public static List<String> fdTargets(long pid) throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return targets;
    }

    /** "socket:[inode]" of the TCP socket listening on {@code port} (IPv4 or IPv6), from /proc/net/tcp{,6}. */
    public static String listeningSocket(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    return "socket:[" + f[9] + "]";
                }
            }
        }
        throw new IOException("nothing listens on port " + port);
    }

    /** "socket:[inode]" of every TCP socket on the machine, listening or connected, IPv4 and IPv6. */
    public static java.util.Set<String> tcpSockets() throws IOException {
        java.util.Set<String> sockets = new java.util.HashSet<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[9].chars().allMatch(Character::isDigit) && !f[9].equals("0")) {
                    sockets.add("socket:[" + f[9] + "]");
                }
            }
        }
        return sockets;
    }

    /** Pids of processes whose command line contains {@code text}. */
    public static List<Long> pidsWithArgument(String text) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains(text) && alive(Long.parseLong(name))) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // gone while listing
                }
            }
        }
        return pids;
    }
}
