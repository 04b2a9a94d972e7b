package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code pooldisk --version}: an installed copy names its package's version, which its launcher passes in. */
class VersionTest {

    @AfterEach
    void notInstalled() {
        System.clearProperty("jpackage.app-version");
    }

    @Test
    void anInstalledCopySaysItsPackagesVersion() {
        System.setProperty("jpackage.app-version", "0.1.0");

        assertThat(PoolDiskCommand.version()).isEqualTo("0.1.0");
        assertThat(versionLine()).isEqualTo("pooldisk 0.1.0");
    }

    @Test
    void otherwiseTheBuildsVersion() {
        String manifest = PoolDiskCommand.class.getPackage().getImplementationVersion();

        assertThat(PoolDiskCommand.version()).isEqualTo(manifest == null ? "(development build)" : manifest);
    }

    private static String versionLine() {
        PrintStream out = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertThat(PoolDiskCommand.run("--version")).isZero();
        } finally {
            System.setOut(out);
        }
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }
}
