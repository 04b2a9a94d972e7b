package io.pooldisk.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerLauncherTest {

    @Test
    void trimsTheNativeHeapOnlyOnJvmsThatKnowTheFlag() {
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("17.0.8+7")))
                .isFalse();
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("17.0.9+9")))
                .isTrue();
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("17.0.15+6-Debian-1deb12u1")))
                .isTrue();
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("20.0.2")))
                .isFalse();
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("21")))
                .isFalse();
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("21.0.1")))
                .isTrue();
        assertThat(WorkerLauncher.supportsNativeHeapTrim(Runtime.Version.parse("25")))
                .isTrue();
    }

    @Test
    void workersKeepC2() {
        // TieredStopAtLevel=1 would leave SHA-256 without its intrinsic: uploads hash ten times slower.
        assertThat(WorkerLauncher.currentJvm().command()).noneMatch(flag -> flag.startsWith("-XX:TieredStopAtLevel"));
    }
}
