package io.pooldisk.worker;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message on the socketpair between the master and one worker (one SOCK_SEQPACKET datagram each). Text, so that a
 * person reading a trace can follow it: a first line {@code TYPE session-id}, then {@code key=value} lines with
 * backslash escapes.
 *
 * <p>Master to worker: {@link Type#SERVE} (with the client's descriptor attached and the session's state as fields),
 * {@link Type#STOP}. Worker to master: {@link Type#HELLO} once booted; {@link Type#PROGRESS} at a bounded rate while
 * it serves (commands done, bytes moved, the command running); then {@link Type#PARK} (session handed back, still
 * open) or {@link Type#CLOSE} (session over), each with the counters not yet reported. After either it is idle.
 */
public record ControlMessage(Type type, long sessionId, Map<String, String> fields) {

    public enum Type { HELLO, SERVE, STOP, PROGRESS, PARK, CLOSE }

    /** Workers count a command that runs longer than this as slow (the {@code slow} field of their reports). */
    public static final long SLOW_COMMAND_MILLIS = 1000;

    public ControlMessage {
        fields = Map.copyOf(fields);
    }

    public static ControlMessage of(Type type, long sessionId, String... keyValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.put(keyValues[i], keyValues[i + 1]);
        }
        return new ControlMessage(type, sessionId, fields);
    }

    public String get(String key) {
        return fields.getOrDefault(key, "");
    }

    public long getLong(String key) {
        String v = fields.get(key);
        return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder(64).append(type).append(' ').append(sessionId);
        fields.forEach((k, v) -> {
            sb.append('\n').append(k).append('=');
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append(c);
                }
            }
        });
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static ControlMessage decode(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        String[] head = lines[0].split(" ", 2);
        if (head.length != 2) {
            throw new IllegalArgumentException("bad control message: " + lines[0]);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("bad control field: " + lines[i]);
            }
            fields.put(lines[i].substring(0, eq), unescape(lines[i].substring(eq + 1)));
        }
        return new ControlMessage(Type.valueOf(head[0]), Long.parseLong(head[1]), fields);
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
