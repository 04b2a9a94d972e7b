package io.pooldisk.client;

import java.time.Duration;

/**
 * The answer to ECHO: which worker process served it, the upper-cased text, and how long the round trip took.
 */
public record EchoReply(int workerPid, String text, Duration roundTrip) {}
