package io.pooldisk.worker;

import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.Download;
import io.pooldisk.disk.Entry;
import io.pooldisk.disk.PartWriter;
import io.pooldisk.disk.Uploads;
import io.pooldisk.protocol.Arguments;
import io.pooldisk.protocol.ProtocolException;
import io.pooldisk.protocol.Reply;

import java.nio.ByteBuffer;
import java.util.List;

/** PUT (with resume and instant upload after a proof of possession), HASH (the proof) and GET (sendfile). */
final class TransferCommands {

    /** The upload waiting for a proof of possession: "size sha256 path". */
    private static final String PROVE = "prove";
    /** A hash whose proof failed in this session: its next PUT sends the bytes. */
    private static final String NO_INSTANT = "noInstant";

    private TransferCommands() {
    }

    static void put(SessionContext ctx, String argument) throws DiskException, ProtocolException,
            BrokenConnectionException {
        List<String> a = Arguments.wordsThenPath(3, argument, "PUT <size> <sha256> <path>");
        long size = Arguments.number(a.get(0), "size");
        String sha256 = Arguments.sha256(a.get(1));
        String path = ctx.resolve(a.get(2));
        Uploads uploads = ctx.uploads();
        Uploads.Ticket ticket = uploads.begin(path, size, sha256);
        if (ticket.contentKnown() && !sha256.equals(ctx.state.exchange(NO_INSTANT))) {
            Uploads.Challenge c = uploads.challenge(ticket);
            ctx.state = ctx.state.withExchange(PROVE, size + " " + sha256 + " " + path);
            ctx.reply(Reply.ok("PROVE " + c.offset() + " " + c.length()));
            return;
        }
        try (PartWriter part = uploads.openPart(ticket)) {
            long offset = part.position();
            ctx.reply(Reply.ok("SEND " + offset));
            try {
                ctx.conn.receive(size - offset, into(part), stallGuard(ctx, "PUT", offset));
            } catch (DiskException e) {
                // The client is still sending: the stream cannot be read as commands any more.
                ctx.reply(Reply.err(e.code(), e.getMessage()));
                throw new BrokenConnectionException("upload of " + path + " abandoned: " + e.getMessage());
            }
            Entry stored = uploads.commit(part);
            ctx.reply(Reply.ok("STORED " + FileCommands.line(stored, stored.path())));
        }
    }

    static void hash(SessionContext ctx, String argument) throws DiskException, ProtocolException,
            BrokenConnectionException {
        String pending = ctx.takeExchange(PROVE, "HASH answers a PUT that was answered with PROVE");
        String proof = Arguments.sha256(argument);
        String[] upload = pending.split(" ", 3);
        Uploads uploads = ctx.uploads();
        Uploads.Ticket ticket = uploads.begin(upload[2], Long.parseLong(upload[0]), upload[1]);
        try {
            Entry stored = uploads.commitInstant(ticket, proof);
            ctx.reply(Reply.ok("STORED " + FileCommands.line(stored, stored.path())));
        } catch (DiskException e) {
            if (e.code() == DiskException.PRECONDITION_FAILED) {
                ctx.state = ctx.state.withExchange(NO_INSTANT, upload[1]);
            }
            throw e;
        }
    }

    static void get(SessionContext ctx, String argument) throws DiskException, ProtocolException,
            BrokenConnectionException {
        List<String> a = Arguments.wordsThenPath(2, argument, "GET <offset> <path>");
        long offset = Arguments.number(a.get(0), "offset");
        try (Download download = ctx.files().openForDownload(ctx.resolve(a.get(1)))) {
            Entry e = download.entry();
            if (offset > e.size()) {
                throw new ProtocolException(Reply.BAD_REQUEST, "offset " + offset + " is past the end of "
                        + e.path() + " (" + e.size() + " bytes)");
            }
            long count = e.size() - offset;
            ctx.reply(Reply.ok("DATA " + count + " " + e.size() + " " + e.sha256()));
            ctx.conn.sendFile(download.fd(), offset, count, stallGuard(ctx, "GET", 0));
        }
    }

    /** Received bytes go into the part: spliced from the socket, or written from a buffer. */
    private static ClientConnection.Sink into(PartWriter part) {
        return new ClientConnection.Sink() {
            @Override
            public void accept(ByteBuffer bytes) throws DiskException {
                part.write(bytes);
            }

            @Override
            public boolean spliceFrom(int pipeRead, long count) throws DiskException {
                return part.spliceFrom(pipeRead, count);
            }
        };
    }

    /** Reports a transfer's progress, and gives up on a peer that has moved nothing for the stall limit. */
    private static ClientConnection.Progress stallGuard(SessionContext ctx, String command, long base) {
        long limit = ctx.services.options.stall().toMillis();
        long[] lastMove = {System.nanoTime()};
        return (bytes, stalled) -> {
            long now = System.nanoTime();
            if (!stalled) {
                lastMove[0] = now;
            } else if ((now - lastMove[0]) / 1_000_000 > limit) {
                throw new BrokenConnectionException(command + " stalled: nothing moved for " + limit / 1000 + " s");
            }
            ctx.reporter.running(command, base + bytes);
        };
    }
}
