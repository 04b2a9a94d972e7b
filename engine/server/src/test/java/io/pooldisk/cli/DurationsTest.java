package io.pooldisk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

    private final Durations durations = new Durations();

    @Test
    void readsTheUnitsPeopleWrite() {
        assertThat(durations.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(durations.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(durations.convert("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(durations.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(durations.convert("2h")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void refusesAnythingElse() {
        assertThatThrownBy(() -> durations.convert("-1s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> durations.convert("soon"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("examples: 500ms, 10s, 5m, 1h");
    }
}
