package io.pooldisk.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates trusted on first use, by server, as ssh's known_hosts keeps host keys: one line per server,
 * "host:port SHA256:ab:cd:...", in {@code $XDG_CONFIG_HOME/pooldisk/known_servers} (else
 * {@code ~/.config/pooldisk/known_servers}), its owner's alone. A certificate the JDK's trust store vouches for
 * (with the right host name) needs no line here.
 */
public final class KnownServers {

    private final Path file;

    public KnownServers(Path file) {
        this.file = file;
    }

    /** The user's file, in the configuration directory. */
    public static KnownServers ofUser() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config =
                xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new KnownServers(config.resolve("pooldisk").resolve("known_servers"));
    }

    public Path file() {
        return file;
    }

    /** The fingerprint remembered for {@code server} ("host:port"), or null. */
    public synchronized String fingerprint(String server) throws IOException {
        for (String line : lines()) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 2 && words[0].equals(server)) {
                return words[1];
            }
        }
        return null;
    }

    /** Remembers {@code fingerprint} for {@code server}, in place of what was remembered for it. */
    public synchronized void remember(String server, String fingerprint) throws IOException {
        String fp = Fingerprints.normalize(fingerprint);
        List<String> kept = new ArrayList<>();
        for (String line : lines()) {
            String[] words = line.strip().split("\\s+");
            if (!(words.length >= 1 && words[0].equals(server))) {
                kept.add(line);
            }
        }
        kept.add(server + " " + fp);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(
                dir,
                "known_servers",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }
}
