package io.pooldisk.worker;

import io.pooldisk.control.Transfer;
import io.pooldisk.disk.DiskException;
import io.pooldisk.disk.Download;
import io.pooldisk.disk.Entry;
import io.pooldisk.disk.InstantChallenge;
import io.pooldisk.disk.PartWriter;
import io.pooldisk.disk.Uploads;
import io.pooldisk.protocol.Arguments;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.Reply;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.unix.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** PUT (with resume and instant upload after a proof of possession), HASH (the proof) and GET (sendfile). */
final class TransferCommands {

    /** The instant upload waiting for its proof: "size sha256 expectedProof path". */
    private static final String PROVE = "prove";
    /** A hash whose proof failed in this session: its next PUT sends the bytes. */
    private static final String NO_INSTANT = "noInstant";
    /** In place of the expected proof when the server could not read its own copy of the content. */
    private static final String UNREADABLE = "-";
    /** When the PUT that an upload's commit finishes began (epoch ms), for the audit log's duration. */
    private static final String INSTANT = "instant upload";

    private static final String PUT_STARTED = "putStarted";
    /** The GET being sent, for the audit log once it is all sent: "startedMillis offset count sha256 path". */
    private static final String GET_AUDIT = "getAudit";

    private TransferCommands() {}

    static void put(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        // A challenge not answered before the next PUT is abandoned: it stays counted as a failed proof.
        ctx.state = ctx.state.withExchange(PROVE, null).withExchange(PUT_STARTED, Long.toString(now()));
        List<String> a = Arguments.wordsThenPath(3, argument, Command.PUT.usage());
        long size = Arguments.number(a.get(0), "size");
        String sha256 = Arguments.sha256(a.get(1));
        String path = ctx.resolve(a.get(2));
        Uploads uploads = ctx.uploads();
        if (!sha256.equals(ctx.state.exchange(NO_INSTANT))) {
            Optional<InstantChallenge> challenge = uploads.challengeInstant(path, size, sha256);
            if (challenge.isPresent()) {
                prove(ctx, challenge.get());
                return;
            }
        }
        Uploads.Ticket ticket = uploads.begin(path, size, sha256);
        PartWriter part = uploads.openPart(ticket);
        try {
            ctx.reply(Reply.ok("SEND " + part.position()));
        } catch (BrokenConnectionException e) {
            part.close();
            throw e;
        }
        ctx.transferBegins(true);
        receive(ctx, uploads, part, "PUT " + path);
    }

    /**
     * Sends the challenge's nonce, then reads the stored content for the proof expected while the client reads its
     * file for the same, and keeps it in the session for the HASH that answers.
     */
    private static void prove(SessionContext ctx, InstantChallenge challenge) throws BrokenConnectionException {
        try (challenge) {
            ctx.reply(Reply.ok("PROVE " + challenge.nonce()));
            String label = "PROVE " + challenge.path();
            String expected;
            try {
                expected = challenge.expectedProof(bytes -> ctx.reporter.running(label, bytes));
            } catch (DiskException e) {
                expected = UNREADABLE; // the PROVE is sent: the HASH that answers it gets the error
            }
            ctx.state = ctx.state.withExchange(
                    PROVE, challenge.size() + " " + challenge.sha256() + " " + expected + " " + challenge.path());
        }
    }

    /**
     * Receives the rest of an upload into {@code part} and commits it; or, when the client's socket goes empty and
     * the worker may not wait, saves where it stands in the session, which goes back to the master to wait for more.
     */
    private static void receive(SessionContext ctx, Uploads uploads, PartWriter part, String label)
            throws CommandException, BrokenConnectionException {
        Uploads.Ticket t = part.ticket();
        try {
            long wanted = t.size() - part.position();
            long got;
            try {
                got = ctx.conn.receive(wanted, into(part), progress(ctx, label, part.position()));
            } catch (DiskException e) {
                throw abandoned(ctx, t.path(), e);
            }
            if (got < wanted) {
                byte[] hashState = part.suspend();
                ctx.suspend(
                        new Transfer.Receiving(
                                label, t.id(), t.path(), t.size(), t.sha256(), part.position(), hashState),
                        null);
                return;
            }
            Entry stored;
            try {
                stored = uploads.commit(part);
            } catch (CommandException e) {
                auditUpload(ctx, t.path(), t.size(), t.sha256(), e.getMessage(), "");
                throw e;
            }
            ctx.transferFinished();
            auditUpload(ctx, stored.path(), stored.size(), stored.sha256(), "", "");
            ctx.reply(Reply.ok("STORED " + FileCommands.line(stored, stored.path())));
        } finally {
            part.close();
        }
    }

    /** An upload whose bytes cannot be stored as they arrive: the client is still sending, so the session ends. */
    private static BrokenConnectionException abandoned(SessionContext ctx, String path, DiskException e)
            throws BrokenConnectionException {
        ctx.reply(e.replyLine());
        ctx.conn.flush();
        return new BrokenConnectionException("upload of " + path + " abandoned: " + e.getMessage());
    }

    /** Goes on with the transfer the session was in the middle of when it last went back to the master. */
    static void resume(SessionContext ctx) throws BrokenConnectionException {
        Transfer transfer = ctx.state.transfer();
        FileDescriptor file = ctx.transferFile;
        ctx.resumed();
        if (transfer instanceof Transfer.Sending s) {
            send(ctx, file, s.position(), s.remaining(), s.label());
            return;
        }
        Transfer.Receiving r = (Transfer.Receiving) transfer;
        FileDescriptor.closeIfAny(file);
        try {
            Uploads uploads = ctx.uploads();
            PartWriter part;
            try {
                part = uploads.resumePart(r.uploadId(), r.path(), r.size(), r.sha256(), r.received(), r.hashState());
            } catch (DiskException e) {
                throw abandoned(ctx, r.path(), e);
            }
            receive(ctx, uploads, part, r.label());
        } catch (CommandException e) {
            // The bytes are all in, but committing failed (a wrong hash, a full quota): an answer like any PUT's.
            ctx.reply(e.replyLine());
        }
    }

    static void hash(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        String pending = ctx.takeExchange(PROVE, "HASH answers a PUT that was answered with PROVE");
        String proof = Arguments.sha256(argument);
        String[] upload = pending.split(" ", 4);
        long size = Long.parseLong(upload[0]);
        String sha256 = upload[1];
        String expected = upload[2];
        String path = upload[3];
        try {
            if (expected.equals(UNREADABLE)) {
                throw new DiskException(
                        ReplyCode.SERVER_ERROR,
                        "the server could not read its copy of that " + "content: PUT again and send it");
            }
            Entry stored = ctx.uploads().commitInstant(path, size, sha256, expected, proof);
            auditUpload(ctx, stored.path(), stored.size(), stored.sha256(), "", INSTANT);
            ctx.reply(Reply.ok("STORED " + FileCommands.line(stored, stored.path())));
        } catch (DiskException e) {
            if (e.replyCode() == ReplyCode.PRECONDITION_FAILED || e.replyCode() == ReplyCode.SERVER_ERROR) {
                ctx.state = ctx.state.withExchange(NO_INSTANT, sha256);
            }
            auditUpload(ctx, path, size, sha256, e.getMessage(), INSTANT);
            throw e;
        }
    }

    static void get(SessionContext ctx, String argument) throws CommandException, BrokenConnectionException {
        List<String> a = Arguments.wordsThenPath(2, argument, Command.GET.usage());
        long offset = Arguments.number(a.get(0), "offset");
        Download download = ctx.files().openForDownload(ctx.resolve(a.get(1)));
        Entry e = download.entry();
        long count = e.size() - offset;
        try {
            if (count < 0) {
                throw new CommandException(
                        ReplyCode.BAD_REQUEST,
                        "offset " + offset + " is past the end of " + e.path() + " (" + e.size() + " bytes)");
            }
            ctx.reply(Reply.ok("DATA " + count + " " + e.size() + " " + e.sha256()));
        } catch (CommandException | BrokenConnectionException | RuntimeException ex) {
            download.close();
            throw ex;
        }
        ctx.transferBegins(false);
        ctx.state = ctx.state.withExchange(
                GET_AUDIT, now() + " " + offset + " " + count + " " + e.sha256() + " " + e.path());
        send(ctx, download.fd(), offset, count, "GET " + e.path());
    }

    /**
     * Sends {@code count} bytes of the open file {@code file} from {@code position} and closes it; or, when the
     * client's socket stays full and the worker may not wait, keeps the file open for the session, which goes back
     * to the master to wait for room.
     */
    static void send(SessionContext ctx, FileDescriptor file, long position, long count, String label)
            throws BrokenConnectionException {
        boolean handedBack = false;
        try {
            long sent = ctx.conn.sendFile(file.intValue(), position, count, progress(ctx, label, position));
            if (sent < count) {
                ctx.suspend(new Transfer.Sending(label, position + sent, count - sent), file);
                handedBack = true;
            } else {
                ctx.transferFinished(); // a download's; nothing for a long reply, which no GET timed
                auditDownload(ctx);
            }
        } finally {
            if (!handedBack) {
                file.close();
            }
        }
    }

    /** A finished upload (or one whose commit failed, for {@code failure}), timed from its PUT. */
    private static void auditUpload(
            SessionContext ctx, String path, long size, String sha256, String failure, String detail) {
        String started = ctx.state.exchange(PUT_STARTED);
        ctx.state = ctx.state.withExchange(PUT_STARTED, null);
        long duration = started == null ? -1 : now() - Long.parseLong(started);
        ctx.audit("upload", ctx.state.user(), failure, path, size, sha256, duration, detail);
    }

    /** A GET whose bytes are all sent (the file of replies owed is sent the same way, with no GET_AUDIT). */
    private static void auditDownload(SessionContext ctx) {
        String get = ctx.state.exchange(GET_AUDIT);
        if (get == null) {
            return;
        }
        ctx.state = ctx.state.withExchange(GET_AUDIT, null);
        String[] f = get.split(" ", 5);
        long offset = Long.parseLong(f[1]);
        ctx.audit(
                "download",
                ctx.state.user(),
                "",
                f[4],
                Long.parseLong(f[2]),
                f[3],
                now() - Long.parseLong(f[0]),
                offset == 0 ? "" : "from offset " + offset);
    }

    /** Wall-clock milliseconds: a transfer may go on in another worker process. */
    private static long now() {
        return System.currentTimeMillis();
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

    /** Reports a transfer's progress to the master ({@code base}: where this part of it started). */
    private static ClientConnection.Progress progress(SessionContext ctx, String label, long base) {
        return bytes -> ctx.reporter.running(label, base + bytes);
    }
}
