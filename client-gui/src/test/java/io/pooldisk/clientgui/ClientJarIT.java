package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The standalone client, target/pooldisk-client.jar as {@code package} built it: the client, the protocol and the
 * client library with their libraries, and nothing of the server (its packages, SQLite, jnr, picocli, JLine).
 * Run by failsafe after {@code package}.
 */
class ClientJarIT {

    private static final Path JAR = Path.of("target", "pooldisk-client.jar");

    private static final List<String> SERVER_ONLY = List.of(
            "io/pooldisk/pool/",
            "io/pooldisk/worker/",
            "io/pooldisk/disk/",
            "io/pooldisk/auth/",
            "io/pooldisk/cli/",
            "io/pooldisk/unix/",
            "io/pooldisk/control/",
            "org/sqlite/",
            "jnr/",
            "com/kenai/",
            "picocli/",
            "org/jline/");

    @Test
    void holdsTheClientAndNoServer() throws IOException {
        assertThat(JAR).isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names)
                    .contains(
                            "io/pooldisk/clientgui/ClientGuiApp.class",
                            "io/pooldisk/client/DiskClient.class",
                            "io/pooldisk/protocol/ReplyCode.class");
            assertThat(names)
                    .as("entries of the server or of its libraries in %s", JAR)
                    .filteredOn(name -> SERVER_ONLY.stream().anyMatch(name::startsWith))
                    .isEmpty();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.pooldisk.clientgui.ClientGuiApp");
        }
    }
}
