package io.pooldisk.clientgui;

import java.time.Duration;
import java.util.Locale;

/** A server's answer to one ECHO line and how long the round trip took. */
record EchoReply(String line, Duration roundTrip) {

    /** The reply as the pane lists it, e.g. {@code OK PROCESS[PID 1234]: HELLO  (0.4 ms)}. */
    String display() {
        return String.format(Locale.ROOT, "%s  (%.1f ms)", line, roundTrip.toNanos() / 1e6);
    }
}
