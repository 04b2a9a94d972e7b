package io.pooldisk.clientgui;

import java.util.List;
import java.util.Optional;
import javafx.scene.control.Labeled;
import javafx.scene.text.Font;

/**
 * A font for Chinese, Japanese and Korean text. JavaFX does not always fall back to one for the default font (not
 * under Monocle, not on every desktop), so a label with such text names one of the CJK families that are installed;
 * with none installed (Debian: fonts-noto-cjk) it keeps the default font.
 */
final class CjkFont {

    /** Common CJK families on Linux, Windows and macOS, the most complete first; all also cover Latin text. */
    static final List<String> FAMILIES = List.of(
            "Noto Sans CJK SC",
            "Noto Sans CJK JP",
            "Source Han Sans SC",
            "WenQuanYi Micro Hei",
            "WenQuanYi Zen Hei",
            "Droid Sans Fallback",
            "Microsoft YaHei",
            "PingFang SC",
            "Hiragino Sans GB");

    private CjkFont() {}

    /** The first of {@link #FAMILIES} installed here, if any; looked up once, when first needed. */
    static Optional<String> installed() {
        return Installed.FAMILY;
    }

    private static final class Installed {
        static final Optional<String> FAMILY =
                FAMILIES.stream().filter(Font.getFamilies()::contains).findFirst();
    }

    /** Whether {@code text} has Han, kana or Hangul characters. */
    static boolean needed(String text) {
        return text.codePoints().anyMatch(c -> {
            Character.UnicodeScript script = Character.UnicodeScript.of(c);
            return script == Character.UnicodeScript.HAN
                    || script == Character.UnicodeScript.HIRAGANA
                    || script == Character.UnicodeScript.KATAKANA
                    || script == Character.UnicodeScript.HANGUL
                    || (c >= 0x3000 && c <= 0x303F) // CJK punctuation
                    || (c >= 0xFF00 && c <= 0xFFEF); // full-width forms
        });
    }

    /** Gives {@code label} the CJK family when its text needs one and one is installed. */
    static void apply(Labeled label) {
        if (needed(label.getText() == null ? "" : label.getText())) {
            installed().ifPresent(family -> label.setStyle("-fx-font-family: \"" + family + "\";"));
        }
    }
}
