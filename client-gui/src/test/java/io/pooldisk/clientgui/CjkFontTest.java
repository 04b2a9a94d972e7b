package io.pooldisk.clientgui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CjkFontTest {

    @Test
    void chineseJapaneseAndKoreanTextNeedsTheFontLatinDoesNot() {
        assertThat(CjkFont.needed("网盘")).isTrue();
        assertThat(CjkFont.needed("HELLO, 世界")).isTrue();
        assertThat(CjkFont.needed("こんにちは")).isTrue();
        assertThat(CjkFont.needed("안녕")).isTrue();
        assertThat(CjkFont.needed("HELLO POOL — ÄÖÜ")).isFalse();
    }
}
