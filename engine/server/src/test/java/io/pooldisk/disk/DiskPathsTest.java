package io.pooldisk.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskPathsTest {

    @Test
    void resolvesAbsoluteAndRelativePaths() throws DiskException {
        assertThat(DiskPaths.resolve("/", "/")).isEqualTo("/");
        assertThat(DiskPaths.resolve("/", "docs")).isEqualTo("/docs");
        assertThat(DiskPaths.resolve("/docs", "a b.txt")).isEqualTo("/docs/a b.txt");
        assertThat(DiskPaths.resolve("/docs", "/other/x")).isEqualTo("/other/x");
        assertThat(DiskPaths.resolve("/docs", "sub/")).isEqualTo("/docs/sub");
        assertThat(DiskPaths.resolve("/", "照片/猫 🐱.jpg")).isEqualTo("/照片/猫 🐱.jpg");
    }

    @Test
    void normalisesToNfc() throws DiskException {
        String decomposed = "Cafe\u0301";
        assertThat(DiskPaths.resolve("/", decomposed)).isEqualTo("/Caf\u00e9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/../b", ".", "./a", "a/.", "/docs/.."})
    void refusesDotSegments(String input) {
        assertRefused(input, "is not allowed in a path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "//", "/a//"})
    void refusesEmptyNames(String input) {
        assertRefused(input, "empty name");
    }

    @Test
    void refusesNulControlCharactersAndBrokenUnicode() {
        assertRefused("a\0b", "NUL character");
        assertRefused("a\nb", "control character U+000A");
        assertRefused("a\u007fb", "control character U+007F");
        assertRefused("a\u0085b", "control character U+0085");
        assertRefused("a\ud800b", "not valid Unicode");
        assertRefused("", "a path is required");
    }

    @Test
    void refusesOverlongNamesAndPaths() throws DiskException {
        String name255 = "n".repeat(255);
        assertThat(DiskPaths.resolve("/", name255)).hasSize(256);
        assertRefused("n".repeat(256), "longer than 255 bytes");
        assertRefused("文".repeat(86), "longer than 255 bytes"); // 258 bytes in UTF-8
        String longPath = ("/" + "d".repeat(200)).repeat(21);
        assertRefused(longPath, "path is longer than 4096 bytes");
    }

    private static void assertRefused(String input, String why) {
        assertThatThrownBy(() -> DiskPaths.resolve("/", input))
                .isInstanceOf(DiskException.class)
                .hasMessageContaining(why)
                .extracting(e -> ((DiskException) e).code())
                .isEqualTo(400);
    }
}
