package io.pooldisk.worker;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlMessageTest {

    @Test
    void fieldsWithLineBreaksAndBackslashesSurviveTheRoundTrip() {
        ControlMessage m = new ControlMessage(ControlMessage.Type.PARK, 42,
                Map.of("cwd", "/a b/\\c\nd\re", "user", "张三", "empty", ""));
        ControlMessage back = ControlMessage.decode(m.encode());
        assertThat(back).isEqualTo(m);
        assertThat(back.getLong("missing")).isZero();
    }

    @Test
    void sessionStateCarriesPendingBytesAndExchanges() {
        SessionState s = new SessionState("127.0.0.1:5", "ann", "/docs", new byte[] {'E', 'C', (byte) 0xff},
                Map.of("scram", "r=abc,s=x"));
        SessionState back = SessionState.fromFields(s.toFields());
        assertThat(back.pending()).containsExactly('E', 'C', (byte) 0xff);
        assertThat(back.user()).isEqualTo("ann");
        assertThat(back.exchange("scram")).isEqualTo("r=abc,s=x");
        assertThat(back.withExchange("scram", null).exchanges()).isEmpty();
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> ControlMessage.decode("NOPE".getBytes())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ControlMessage.decode("SERVE x".getBytes())).isInstanceOf(NumberFormatException.class);
    }
}
