package io.pooldisk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintsTest {

    private static final String HEX = "ab".repeat(31) + "0f";
    private static final String CANONICAL = "SHA256:" + "ab:".repeat(31) + "0f";

    @TempDir
    Path tmp;

    @Test
    void acceptsTheFormsPeopleAndOpensslWrite() {
        assertThat(Fingerprints.normalize(CANONICAL)).isEqualTo(CANONICAL);
        assertThat(Fingerprints.normalize(CANONICAL.toUpperCase())).isEqualTo(CANONICAL);
        assertThat(Fingerprints.normalize(
                        "sha256 Fingerprint=" + CANONICAL.substring(7).toUpperCase()))
                .isEqualTo(CANONICAL);
        assertThat(Fingerprints.normalize(HEX)).isEqualTo(CANONICAL);
        assertThat(new TlsOptions(HEX, null).fingerprint()).isEqualTo(CANONICAL);
    }

    @Test
    void refusesWhatIsNotThirtyTwoBytesOfHex() {
        assertThatThrownBy(() -> Fingerprints.normalize("SHA256:ab:cd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprints.normalize(HEX.replace('a', 'g')))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knownServersRememberOneFingerprintPerServerInAnOwnerOnlyFile() throws Exception {
        KnownServers known = new KnownServers(tmp.resolve("pooldisk").resolve("known_servers"));
        assertThat(known.fingerprint("disk.example:8443")).isNull();
        known.remember("disk.example:8443", HEX);
        known.remember("[::1]:8443", CANONICAL);
        known.remember("disk.example:8443", CANONICAL.replace("0f", "10"));
        assertThat(known.fingerprint("disk.example:8443")).isEqualTo(CANONICAL.replace("0f", "10"));
        assertThat(known.fingerprint("[::1]:8443")).isEqualTo(CANONICAL);
        assertThat(Files.readAllLines(known.file())).hasSize(2);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(known.file())))
                .isEqualTo("rw-------");
    }
}
