package io.pooldisk.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void oneThingIsSingular() {
        assertThat(Format.count(0, "session")).isEqualTo("0 sessions");
        assertThat(Format.count(1, "session")).isEqualTo("1 session");
        assertThat(Format.count(2, "worker")).isEqualTo("2 workers");
    }
}
