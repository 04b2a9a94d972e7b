package io.pooldisk.client;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramException;
import io.pooldisk.protocol.Arguments;
import io.pooldisk.protocol.CommandException;
import io.pooldisk.protocol.EntryLine;
import io.pooldisk.protocol.IoMessages;
import io.pooldisk.protocol.PossessionProof;
import io.pooldisk.protocol.ReplyCode;
import io.pooldisk.protocol.Sha256;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A client of one PoolDisk server connection (docs/PROTOCOL.md): the library the command-line client and the GUI
 * use. Blocking; one thread at a time. Server errors arrive as {@link DiskClientException}s carrying the server's code.
 */
public final class DiskClient implements AutoCloseable {

    /** A download in progress is kept under the target's name plus this, until its hash checks out. */
    public static final String PARTIAL_SUFFIX = ".pooldisk-part";

    private static final int CHUNK = 1024 * 1024;
    /** An unlimited upload hands the file to the kernel (sendfile) in pieces this large. */
    private static final long SEND_PIECE = 8L * CHUNK;

    private final Wire wire;
    private final String address;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private volatile RateLimiter limiter;

    private DiskClient(Wire wire, String address) {
        this.wire = wire;
        this.address = address;
        in.flip(); // empty, in read mode
    }

    /**
     * Connects to the server at {@code host:port}.
     *
     * @throws ConnectionException naming {@code host:port} and the reason ("Connection refused", "unknown host")
     */
    public static DiskClient connect(String host, int port) throws ConnectionException {
        String address = addressOf(host, port);
        InetSocketAddress to = resolve(host, port, address);
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.socket().connect(to, 10_000);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new DiskClient(new Wire.Plain(ch), address);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ConnectionException("cannot connect to " + address + ": " + IoMessages.reason(e), e);
        }
    }

    /**
     * Connects to the server at {@code host:port}, over TLS unless {@code tls} is null (to a TLS-terminating proxy in
     * front of the server, docs/DEPLOYMENT.md): the server's certificate must be one {@code tls} trusts.
     *
     * @throws ConnectionException           naming {@code host:port} and the reason
     * @throws UntrustedCertificateException when the certificate is not trusted: its fingerprint, to ask about
     */
    public static DiskClient connect(String host, int port, TlsOptions tls)
            throws ConnectionException, UntrustedCertificateException {
        if (tls == null) {
            return connect(host, port);
        }
        String address = addressOf(host, port);
        InetSocketAddress to = resolve(host, port, address);
        try {
            return new DiskClient(TlsWire.connect(host, to, address, tls), address);
        } catch (UntrustedCertificateException e) {
            throw e;
        } catch (IOException e) {
            throw new ConnectionException("cannot connect to " + address + " over TLS: " + IoMessages.reason(e), e);
        }
    }

    /** "host:port", "[::1]:port". */
    static String addressOf(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static InetSocketAddress resolve(String host, int port, String address) throws ConnectionException {
        InetSocketAddress to = new InetSocketAddress(host, port);
        if (to.isUnresolved()) {
            throw new ConnectionException(
                    "cannot connect to " + address + ": unknown host", new UnknownHostException(host));
        }
        return to;
    }

    /** The server's {@code host:port}, as connected to. */
    public String address() {
        return address;
    }

    /**
     * Whether the server has closed the connection (a kick, a ban, its stop), looked at between commands without
     * waiting; whatever the server sent meanwhile stays for the next reply.
     */
    public boolean closedByServer() {
        try {
            in.compact();
            int read;
            try {
                read = wire.readNow(in);
            } finally {
                in.flip();
            }
            return read < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Keeps the bytes of later uploads and downloads to {@code limiter}'s rate on the wire (null: no limit). They move
     * in pieces no larger than the limiter allows, and their listener hears of each piece.
     */
    public void setRateLimiter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    // ---------------------------------------------------------------- commands

    public EchoReply echo(String text) throws IOException {
        long start = System.nanoTime();
        String reply = okReply("ECHO " + text);
        Duration rtt = Duration.ofNanos(System.nanoTime() - start);
        int open = reply.indexOf("[PID ");
        int close = reply.indexOf("]: ");
        if (!reply.startsWith("PROCESS[PID ") || close < 0) {
            throw new DiskClientException(0, "unexpected ECHO reply: " + reply);
        }
        return new EchoReply(Integer.parseInt(reply.substring(open + 5, close)), reply.substring(close + 3), rtt);
    }

    /** Logs in with SCRAM-SHA-256; the password never leaves this process. */
    public void login(String user, char[] password) throws IOException {
        ScramClient scram = ScramClient.builder()
                .advertisedMechanisms(List.of("SCRAM-SHA-256"))
                .username(user)
                .password(password)
                .build();
        try {
            String challenge = expectWord(
                    okReply("LOGIN " + base64(scram.clientFirstMessage().toString())), "CHALLENGE");
            scram.serverFirstMessage(unbase64(challenge));
            String welcome = expectWord(
                    okReply("PROOF " + base64(scram.clientFinalMessage().toString())), "WELCOME");
            scram.serverFinalMessage(unbase64(welcome)); // checks the server's signature
        } catch (ScramException e) {
            throw new DiskClientException(0, "the server's login answer is not valid: " + e.getMessage());
        }
    }

    public String whoami() throws IOException {
        return okReply("WHOAMI");
    }

    public String pwd() throws IOException {
        return okReply("PWD");
    }

    public String cd(String path) throws IOException {
        return okReply("CD " + Arguments.quote(path));
    }

    public List<RemoteEntry> list(String path) throws IOException {
        String head = okReply(path.isEmpty() ? "LIST" : "LIST " + Arguments.quote(path));
        int count = Integer.parseInt(head.split(" ")[0]);
        List<RemoteEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(entry(readLine()));
        }
        return entries;
    }

    public RemoteEntry stat(String path) throws IOException {
        return entry(okReply("STAT " + Arguments.quote(path)));
    }

    public RemoteEntry mkdir(String path) throws IOException {
        return entry(okReply("MKDIR " + Arguments.quote(path)));
    }

    /** Removes a file or an empty directory; with {@code recursive}, a directory and all it holds. */
    public void remove(String path, boolean recursive) throws IOException {
        okReply((recursive ? "RMTREE " : "RM ") + Arguments.quote(path));
    }

    public RemoteEntry move(String from, String to) throws IOException {
        return entry(okReply("MV " + Arguments.quote(from) + " " + Arguments.quote(to)));
    }

    /**
     * Uploads {@code local} to {@code remote}. Resumes where an interrupted upload of the same content to the same
     * path stopped. When the server offers an instant upload (it holds the content already), proves possession
     * instead of sending the bytes: a second read of the whole file, for an HMAC-SHA256 keyed by the server's nonce.
     */
    public RemoteEntry upload(Path local, String remote, TransferListener listener) throws IOException {
        long size;
        String sha256;
        try {
            if (Files.isDirectory(local)) {
                throw new LocalFileException("cannot upload " + local + ": it is a directory");
            }
            size = Files.size(local);
            sha256 = Sha256.of(local, 0, size);
        } catch (LocalFileException e) {
            throw e;
        } catch (IOException e) {
            throw new LocalFileException("cannot read", local, e);
        }
        String put = "PUT " + size + " " + sha256 + " " + Arguments.quote(remote);
        String reply;
        try {
            reply = okReply(put);
        } catch (DiskClientException e) {
            if (!e.is(ReplyCode.NOT_FOUND) || !e.getMessage().startsWith("no such directory")) {
                throw e;
            }
            String absolute = remote.startsWith("/") ? remote : pwd() + "/" + remote;
            makeDirectories(RemotePaths.parent(RemotePaths.resolve("/", absolute)));
            reply = okReply(put);
        }
        if (reply.startsWith("PROVE ")) {
            try {
                RemoteEntry stored = stored(okReply("HASH " + proof(local, size, reply.substring(6))));
                listener.progress(size, size);
                return stored;
            } catch (DiskClientException e) {
                if (!e.is(ReplyCode.PRECONDITION_FAILED, ReplyCode.CONFLICT, ReplyCode.SERVER_ERROR)) {
                    throw e;
                }
                // the proof failed (the file changed?), or the server lost its copy: it asks for the bytes now
                reply = okReply(put);
            }
        }
        long offset = Long.parseLong(expectWord(reply, "SEND"));
        sendFile(local, offset, size, listener);
        return stored(okReply(null));
    }

    /**
     * Makes the directory {@code path} (absolute) and those above it that are missing, as {@code mkdir -p} does;
     * directories already there are fine, a file in the way is the server's {@code ERR 409}.
     */
    public void makeDirectories(String path) throws IOException {
        StringBuilder at = new StringBuilder();
        for (String name : path.split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            at.append('/').append(name);
            try {
                mkdir(at.toString());
            } catch (DiskClientException e) {
                if (!e.is(ReplyCode.CONFLICT) || !stat(at.toString()).directory()) {
                    throw e;
                }
            }
        }
    }

    /** The proof of possession of the first {@code size} bytes of {@code local}, for the server's nonce. */
    private static String proof(Path local, long size, String nonce) throws IOException {
        if (!PossessionProof.isNonce(nonce)) {
            throw new DiskClientException(0, "unexpected PROVE reply: " + nonce);
        }
        try (FileChannel file = FileChannel.open(local, StandardOpenOption.READ)) {
            return PossessionProof.of(nonce, file, size, bytes -> {});
        }
    }

    /**
     * Downloads {@code remote} to {@code local}. The bytes go to {@code local + ".pooldisk-part"} first, which a later
     * call resumes from; the file takes its name only once its SHA-256 matches the server's.
     */
    public Path download(String remote, Path local, TransferListener listener) throws IOException {
        Path partial = local.resolveSibling(local.getFileName() + PARTIAL_SUFFIX);
        MessageDigest md = Sha256.digest();
        long have;
        FileChannel out;
        boolean fresh = !Files.exists(partial);
        try { // the local side first: once GET is sent, the bytes are on their way
            out = FileChannel.open(
                    partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            have = out.size();
            if (have > 0) {
                Sha256.update(md, out, 0, have);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot write", partial, e);
        }
        try (out) {
            String reply;
            try {
                reply = okReply("GET " + have + " " + Arguments.quote(remote));
            } catch (DiskClientException e) {
                if (fresh) {
                    Files.deleteIfExists(partial); // nothing came: leave no trace of the attempt
                }
                throw e;
            }
            String[] data = reply.split(" ");
            if (data.length != 4 || !data[0].equals("DATA")) {
                throw new DiskClientException(0, "unexpected GET reply: " + String.join(" ", data));
            }
            long count = Long.parseLong(data[1]);
            long size = Long.parseLong(data[2]);
            String expected = data[3];
            out.position(have);
            receive(count, out, md, have, size, listener);
            out.force(true);
            finishDownload(remote, local, partial, md, expected);
        }
        return local;
    }

    private static void finishDownload(String remote, Path local, Path partial, MessageDigest md, String expected)
            throws IOException {
        String actual = Sha256.hex(md.digest());
        if (!actual.equals(expected)) {
            Files.deleteIfExists(partial);
            throw new DiskClientException(
                    ReplyCode.PRECONDITION_FAILED,
                    "downloaded " + remote + " does not match its SHA-256; removed the partial file, try again");
        }
        try {
            Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LocalFileException("cannot rename " + partial + " to " + local + ": " + IoMessages.reason(e));
        }
    }

    /** Says goodbye and closes. */
    public void quit() throws IOException {
        try {
            okReply("QUIT");
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException {
        wire.close();
    }

    // ---------------------------------------------------------------- the wire

    /** Sends {@code request} (unless null) and returns the text after "OK ", or throws the ERR it got. */
    private String okReply(String request) throws IOException {
        if (request != null) {
            send(request);
        }
        String line = readLine();
        if (line.equals("OK")) {
            return "";
        }
        if (line.startsWith("OK ")) {
            return line.substring(3);
        }
        if (line.startsWith("ERR ")) {
            String[] parts = line.split(" ", 3);
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                code = 0;
            }
            throw new DiskClientException(code, parts.length > 2 ? parts[2] : line);
        }
        throw new DiskClientException(0, "unexpected reply: " + line);
    }

    private void send(String request) throws IOException {
        writeFully(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        try {
            wire.write(buf);
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /** The connection broke under a read or a write. */
    private ConnectionException lost(IOException e) {
        return new ConnectionException("lost the connection to " + address + ": " + IoMessages.reason(e), e);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // it is the failure already being reported that matters
        }
    }

    private String readLine() throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            fill();
        }
    }

    private void fill() throws IOException {
        in.compact();
        int n;
        try {
            n = wire.read(in);
        } catch (IOException e) {
            throw lost(e);
        } finally {
            in.flip();
        }
        if (n < 0) {
            throw new ConnectionException("the server at " + address + " closed the connection");
        }
    }

    /** Sends the file's bytes from {@code offset}; the listener hears of each piece as the socket takes it. */
    private void sendFile(Path local, long offset, long size, TransferListener listener) throws IOException {
        RateLimiter limit = limiter;
        FileChannel file;
        try {
            file = FileChannel.open(local, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new LocalFileException("cannot read", local, e);
        }
        try (file) {
            long pos = offset;
            listener.progress(pos, size);
            while (pos < size) {
                long wanted = Math.min(SEND_PIECE, size - pos);
                long end = pos + (limit == null ? wanted : limit.acquire(wanted));
                while (pos < end) {
                    long n;
                    try {
                        n = wire.send(file, pos, end - pos);
                    } catch (IOException e) { // the socket's write: the file was read already
                        throw lost(e);
                    }
                    if (n <= 0) {
                        throw new LocalFileException(local + " got shorter while it was being sent; send it again");
                    }
                    pos += n;
                }
                listener.progress(pos, size);
            }
        }
    }

    /** Reads {@code count} bytes into {@code out}; the listener hears of each piece as it is written. */
    private void receive(long count, FileChannel out, MessageDigest md, long have, long size, TransferListener listener)
            throws IOException {
        RateLimiter limit = limiter;
        long done = 0;
        listener.progress(have, size);
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        while (done < count) {
            long wanted = Math.min(CHUNK, count - done);
            int allowed = (int) (limit == null ? wanted : limit.acquire(wanted));
            int n;
            if (in.hasRemaining()) {
                n = Math.min(in.remaining(), allowed);
                ByteBuffer slice = in.slice().limit(n);
                md.update(slice.duplicate());
                writeLocal(out, slice);
                in.position(in.position() + n);
            } else {
                buf.clear().limit(allowed);
                try {
                    n = wire.read(buf);
                } catch (IOException e) {
                    throw lost(e);
                }
                if (n < 0) {
                    throw new ConnectionException("the server at " + address + " closed the connection after "
                            + (have + done) + " of " + size + " bytes; run the download again to resume");
                }
                buf.flip();
                md.update(buf.duplicate());
                writeLocal(out, buf);
            }
            if (limit != null) {
                limit.refund(allowed - n);
            }
            done += n;
            listener.progress(have + done, size);
        }
    }

    // ---------------------------------------------------------------- small helpers

    /** Writes all of {@code bytes} to the download's file: a failure here is this computer's (a full disk). */
    private static void writeLocal(FileChannel out, ByteBuffer bytes) throws LocalFileException {
        try {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new LocalFileException("cannot write the download: " + IoMessages.reason(e));
        }
    }

    private static RemoteEntry entry(String line) throws DiskClientException {
        try {
            EntryLine e = EntryLine.parse(line);
            return new RemoteEntry(e.name(), e.directory(), e.size(), e.modified(), e.sha256());
        } catch (CommandException e) {
            throw new DiskClientException(0, e.getMessage());
        }
    }

    private static RemoteEntry stored(String reply) throws DiskClientException {
        return entry(expectWord(reply, "STORED"));
    }

    /** The rest of {@code reply} after its first word, which must be {@code word}. */
    private static String expectWord(String reply, String word) throws DiskClientException {
        if (!reply.startsWith(word + " ")) {
            throw new DiskClientException(0, "expected " + word + ", got: " + reply);
        }
        return reply.substring(word.length() + 1);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unbase64(String s) throws DiskClientException {
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new DiskClientException(0, "not base64: " + s);
        }
    }
}
