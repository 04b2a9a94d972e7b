package io.pooldisk.control;

import io.pooldisk.control.ControlMessage.Audit;
import io.pooldisk.control.ControlMessage.Close;
import io.pooldisk.control.ControlMessage.Counters;
import io.pooldisk.control.ControlMessage.Hello;
import io.pooldisk.control.ControlMessage.Park;
import io.pooldisk.control.ControlMessage.Progress;
import io.pooldisk.control.ControlMessage.Release;
import io.pooldisk.control.ControlMessage.Serve;
import io.pooldisk.control.ControlMessage.SessionEnd;
import io.pooldisk.control.ControlMessage.Stop;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire form of {@link ControlMessage}: one type byte, then the record's components in order; numbers big-endian,
 * strings and byte arrays as an int length and the bytes (strings in UTF-8).
 */
final class ControlCodec {

    private static final byte HELLO = 1;
    private static final byte SERVE = 2;
    private static final byte STOP = 3;
    private static final byte PROGRESS = 4;
    private static final byte PARK = 5;
    private static final byte CLOSE = 6;
    private static final byte RELEASE = 7;
    private static final byte AUDIT = 8;
    private static final byte NO_TRANSFER = 0;
    private static final byte RECEIVING = 1;
    private static final byte SENDING = 2;
    private static final long[] NO_TRANSFERS = new long[0];

    private ControlCodec() {}

    static byte[] encode(ControlMessage message) {
        Writer w = new Writer();
        if (message instanceof Hello m) {
            w.type(HELLO).putInt(m.pid());
        } else if (message instanceof Serve m) {
            w.type(SERVE).putLong(m.sessionId()).putState(m.state()).putByte(m.mayLinger() ? 1 : 0);
        } else if (message instanceof Release m) {
            w.type(RELEASE).putLong(m.sessionId());
        } else if (message instanceof Stop) {
            w.type(STOP);
        } else if (message instanceof Progress m) {
            w.type(PROGRESS)
                    .putLong(m.sessionId())
                    .putCounters(m.counters())
                    .putString(m.running())
                    .putLong(m.runningBytes())
                    .putByte(m.waiting() ? 1 : 0)
                    .putString(m.user());
        } else if (message instanceof Park m) {
            w.type(PARK).putLong(m.sessionId()).putCounters(m.counters()).putState(m.state());
        } else if (message instanceof Close m) {
            w.type(CLOSE)
                    .putLong(m.sessionId())
                    .putCounters(m.counters())
                    .putString(m.detail())
                    .putByte(m.end().ordinal());
        } else if (message instanceof Audit m) {
            w.type(AUDIT)
                    .putString(m.event())
                    .putString(m.failure())
                    .putString(m.reason())
                    .putString(m.user())
                    .putString(m.address())
                    .putString(m.path())
                    .putLong(m.bytes())
                    .putString(m.sha256())
                    .putLong(m.durationMs())
                    .putString(m.detail());
        }
        return w.bytes();
    }

    static ControlMessage decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte type = in.get();
            ControlMessage m = switch (type) {
                case HELLO -> new Hello(in.getInt());
                case SERVE -> new Serve(in.getLong(), getState(in), in.get() != 0);
                case RELEASE -> new Release(in.getLong());
                case STOP -> new Stop();
                case PROGRESS ->
                    new Progress(
                            in.getLong(), getCounters(in), getString(in), in.getLong(), in.get() != 0, getString(in));
                case PARK -> new Park(in.getLong(), getCounters(in), getState(in));
                case CLOSE -> {
                    long id = in.getLong();
                    Counters counters = getCounters(in);
                    String detail = getString(in);
                    yield new Close(id, counters, getEnd(in), detail);
                }
                case AUDIT ->
                    new Audit(
                            getString(in),
                            getString(in),
                            getString(in),
                            getString(in),
                            getString(in),
                            getString(in),
                            in.getLong(),
                            getString(in),
                            in.getLong(),
                            getString(in));
                default -> throw new IllegalArgumentException("unknown control message type " + type);
            };
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " stray bytes after " + m);
            }
            return m;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated control message of " + bytes.length + " bytes");
        }
    }

    private static Counters getCounters(ByteBuffer in) {
        return new Counters(in.getInt(), in.getInt(), getString(in), in.getLong(), in.getLong(), getTally(in));
    }

    /**
     * A {@link Tally}: two unsigned shorts (pairs, transfers), then per pair a verb byte, a result short and a count
     * int, then a long per transfer. Nothing counted takes the two shorts alone.
     */
    private static Tally getTally(ByteBuffer in) {
        int pairs = Short.toUnsignedInt(in.getShort());
        int transfers = Short.toUnsignedInt(in.getShort());
        if (pairs == 0 && transfers == 0) {
            return Tally.NONE;
        }
        if (pairs * 7 + transfers * 8 > in.remaining()) {
            throw new IllegalArgumentException("a tally of " + pairs + " counts in a message of " + in.limit());
        }
        int[] commands = new int[2 * pairs];
        for (int i = 0; i < commands.length; i += 2) {
            int verb = Byte.toUnsignedInt(in.get());
            commands[i] = Tally.key(verb, Short.toUnsignedInt(in.getShort()));
            commands[i + 1] = in.getInt();
        }
        long[] times = transfers == 0 ? NO_TRANSFERS : new long[transfers];
        for (int i = 0; i < transfers; i++) {
            times[i] = in.getLong();
        }
        return new Tally(commands, times);
    }

    private static SessionState getState(ByteBuffer in) {
        String client = getString(in);
        String user = getString(in);
        String cwd = getString(in);
        byte[] pending = getBytes(in);
        int exchanges = in.getInt();
        Map<String, String> map = exchanges == 0 ? Map.of() : new LinkedHashMap<>();
        for (int i = 0; i < exchanges; i++) {
            map.put(getString(in), getString(in));
        }
        return new SessionState(client, user, cwd, pending, map, getBytes(in), getTransfer(in));
    }

    private static Transfer getTransfer(ByteBuffer in) {
        byte kind = in.get();
        return switch (kind) {
            case NO_TRANSFER -> null;
            case RECEIVING ->
                new Transfer.Receiving(
                        getString(in),
                        in.getLong(),
                        getString(in),
                        in.getLong(),
                        getString(in),
                        in.getLong(),
                        getBytes(in));
            case SENDING -> new Transfer.Sending(getString(in), in.getLong(), in.getLong());
            default -> throw new IllegalArgumentException("unknown transfer kind " + kind);
        };
    }

    private static SessionEnd getEnd(ByteBuffer in) {
        int end = in.get();
        if (end < 0 || end >= SessionEnd.values().length) {
            throw new IllegalArgumentException("unknown session end " + end);
        }
        return SessionEnd.values()[end];
    }

    private static String getString(ByteBuffer in) {
        return new String(getBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] getBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("a field of " + length + " bytes in a message of " + in.limit());
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    /** Builds one message; grows as needed (the socket refuses what exceeds its datagram limit). */
    private static final class Writer {
        private ByteBuffer out = ByteBuffer.allocate(256);

        private Writer type(byte type) {
            return putByte(type);
        }

        private Writer putByte(int b) {
            room(1).put((byte) b);
            return this;
        }

        private Writer putInt(int v) {
            room(4).putInt(v);
            return this;
        }

        private Writer putLong(long v) {
            room(8).putLong(v);
            return this;
        }

        private Writer putBytes(byte[] b) {
            room(4 + b.length).putInt(b.length).put(b);
            return this;
        }

        private Writer putString(String s) {
            return putBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        private Writer putCounters(Counters c) {
            return putInt(c.commands())
                    .putInt(c.slow())
                    .putString(c.lastCommand())
                    .putLong(c.bytesIn())
                    .putLong(c.bytesOut())
                    .putTally(c.tally());
        }

        private Writer putTally(Tally t) {
            int[] commands = t.commands();
            long[] transfers = t.transfers();
            if (commands.length / 2 > 0xffff || transfers.length > 0xffff) {
                throw new IllegalArgumentException("a tally too long for a message: " + t);
            }
            room(4).putShort((short) (commands.length / 2)).putShort((short) transfers.length);
            for (int i = 0; i < commands.length; i += 2) {
                room(7).put((byte) Tally.verbOf(commands[i]))
                        .putShort((short) Tally.resultOf(commands[i]))
                        .putInt(commands[i + 1]);
            }
            for (long x : transfers) {
                putLong(x);
            }
            return this;
        }

        private Writer putState(SessionState s) {
            putString(s.client()).putString(s.user()).putString(s.cwd()).putBytes(s.pending());
            putInt(s.exchanges().size());
            s.exchanges().forEach((k, v) -> putString(k).putString(v));
            return putBytes(s.unsent()).putTransfer(s.transfer());
        }

        private Writer putTransfer(Transfer t) {
            if (t instanceof Transfer.Receiving r) {
                return putByte(RECEIVING)
                        .putString(r.label())
                        .putLong(r.uploadId())
                        .putString(r.path())
                        .putLong(r.size())
                        .putString(r.sha256())
                        .putLong(r.received())
                        .putBytes(r.hashState());
            }
            if (t instanceof Transfer.Sending s) {
                return putByte(SENDING)
                        .putString(s.label())
                        .putLong(s.position())
                        .putLong(s.remaining());
            }
            return putByte(NO_TRANSFER);
        }

        private ByteBuffer room(int n) {
            if (out.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n));
                out = bigger.put(out.flip());
            }
            return out;
        }

        private byte[] bytes() {
            byte[] b = new byte[out.position()];
            out.get(0, b);
            return b;
        }
    }
}
