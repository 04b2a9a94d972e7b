package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.Test;

class FormatsAndRecentsTest {

    @Test
    void sizesSpeedsAndTimesReadNaturally() {
        assertThat(Formats.size(0)).isEqualTo("0 B");
        assertThat(Formats.size(1023)).isEqualTo("1023 B");
        assertThat(Formats.size(3_000_000)).isEqualTo("2.9 MiB");
        assertThat(Formats.sizeOf(40L << 20, 200L << 20)).isEqualTo("40.0 of 200.0 MiB");
        assertThat(Formats.sizeOf(512 << 10, 3 << 20)).isEqualTo("512.0 KiB of 3.0 MiB");
        assertThat(Formats.speed(0)).isEmpty();
        assertThat(Formats.timeLeft(-1)).isEmpty();
        assertThat(Formats.timeLeft(125)).isEqualTo("2 min 05 s");
        assertThat(Formats.timeLeft(3_900)).isEqualTo("1 h 05 min");
    }

    @Test
    void remotePathsJoinAndSplit() {
        assertThat(Formats.child("/", "a b")).isEqualTo("/a b");
        assertThat(Formats.child("/a", "照片")).isEqualTo("/a/照片");
        assertThat(Formats.parent("/a/b")).isEqualTo("/a");
        assertThat(Formats.parent("/a")).isEqualTo("/");
        assertThat(Formats.name("/a/b.txt")).isEqualTo("b.txt");
        assertThat(Formats.freeName("b.txt", Set.of("b.txt", "b (1).txt")::contains))
                .isEqualTo("b (2).txt");
        assertThat(Formats.freeName("folder", Set.of("folder")::contains)).isEqualTo("folder (1)");
    }

    @Test
    void recentServersKeepTheNewestFirstAndNoPassword() throws Exception {
        Preferences node = Preferences.userRoot().node("io/pooldisk/clientgui-test/" + System.nanoTime());
        try {
            RecentServers recents = new RecentServers(node);
            for (int i = 0; i < 10; i++) {
                recents.remember(new RecentServers.Server("host" + i, 8080, "ann"));
            }
            recents.remember(new RecentServers.Server("host5", 8080, "ann"));
            assertThat(recents.list()).hasSize(RecentServers.KEEP);
            assertThat(recents.list().get(0).host()).isEqualTo("host5");
            assertThat(recents.list().get(1).host()).isEqualTo("host9");
            assertThat(recents.list().stream().filter(s -> s.host().equals("host5")))
                    .hasSize(1);
            assertThat(node.keys()).allMatch(k -> k.startsWith("recent."));
            assertThat(new RecentServers(node).list().get(0).label()).isEqualTo("ann@host5:8080");
            recents.remember(new RecentServers.Server("disk.example", 8443, "ann", true));
            RecentServers.Server tls = new RecentServers(node).list().get(0);
            assertThat(tls.tls()).isTrue();
            assertThat(tls.label()).isEqualTo("ann@disk.example:8443 (TLS)");
            assertThat(new RecentServers(node).list().get(1).tls()).isFalse();
        } finally {
            node.removeNode();
        }
    }

    /** The build gives tests preferences of their own under target/, so no test run shows in the user's. */
    @Test
    void testsKeepTheirPreferencesUnderTheBuildDirectory() throws Exception {
        Path root = Path.of(System.getProperty("java.util.prefs.userRoot", System.getProperty("user.home")));
        assertThat(root.toAbsolutePath().normalize().toString()).contains("target");
        Preferences node = Preferences.userRoot().node("io/pooldisk/clientgui-test/" + System.nanoTime());
        try {
            node.put("k", "v");
            node.flush();
            assertThat(Files.exists(root.resolve(".java/.userPrefs")
                            .resolve(node.absolutePath().substring(1))))
                    .isTrue();
        } finally {
            node.removeNode();
        }
    }
}
