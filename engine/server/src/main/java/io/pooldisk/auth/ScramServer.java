package io.pooldisk.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ServerFinalMessage;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.stringprep.Profile;
import com.ongres.stringprep.Stringprep;
import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ReplyCode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding. The password never crosses the
 * wire and the server checks a proof against StoredKey. The two steps may run in different worker processes, so the
 * exchange's state is a string the caller keeps between them (it is not sent to the client).
 *
 * <p>An unknown user gets a server-first-message like a real user's, with a salt derived from the server secret,
 * and fails the last step with the same message a wrong password gets: nobody learns which names exist. Both steps do
 * the same work for a known and an unknown name (one database lookup, the same HMACs), so that their time tells
 * nothing either (docs/BENCHMARKS.md, "Login timing").
 *
 * <p>The client-first-message is bounded ({@link #MAX_CLIENT_FIRST} characters, a nonce of at most
 * {@link #MAX_NONCE} printable characters) because the exchange's state travels with the session.
 */
public final class ScramServer {

    /** The longest client-first-message taken, in characters: a user name and a nonce with room to spare. */
    public static final int MAX_CLIENT_FIRST = 1024;
    /** The longest client nonce taken, in characters (RFC 5802 sets none; clients send 18 to 32 or so). */
    public static final int MAX_NONCE = 256;

    private static final String FAILED = "authentication failed";
    private static final int NONCE_LENGTH = 24;
    private static final Profile SASL_PREP = Stringprep.getProvider("SASLprep");

    private final Accounts accounts;
    private final SecureRandom random = new SecureRandom();
    private byte[] secret;

    public ScramServer(Accounts accounts) {
        this.accounts = accounts;
    }

    public record First(String serverFirstMessage, String state) {}

    public record Success(String user, String serverFinalMessage) {}

    /** Answers a client-first-message with the user's salt and iteration count and a nonce. 400 when malformed. */
    public First first(String clientFirstMessage) throws DiskException {
        ClientFirst cf = ClientFirst.parse(clientFirstMessage);
        Credentials c = lookup(cf.user()).credentials();
        ServerFirstMessage sf = new ServerFirstMessage(
                cf.nonce(),
                ScramFunctions.nonce(NONCE_LENGTH, random),
                Base64.getEncoder().encodeToString(c.salt()),
                c.iterations());
        String serverFirst = sf.toString();
        return new First(serverFirst, encode(clientFirstMessage) + "." + encode(serverFirst));
    }

    /**
     * Checks the client's proof; on success, answers with the server's signature, which proves to the client that
     * the server knows its credentials. 401 "authentication failed" for a wrong password and an unknown user alike.
     */
    public Success last(String state, String clientFinalMessage) throws DiskException {
        String[] parts = state == null ? new String[0] : state.split("\\.", -1);
        if (parts.length != 2) {
            throw bad("no SCRAM exchange is in progress");
        }
        String clientFirst = decode(parts[0]);
        String serverFirst = decode(parts[1]);
        ClientFirst cf = ClientFirst.parse(clientFirst);
        ClientFinal cl = ClientFinal.parse(clientFinalMessage);
        String expectedNonce = serverFirst.substring(2, serverFirst.indexOf(','));
        Accounts.Verifier user = lookup(cf.user());
        Credentials c = user.credentials();
        String authMessage = cf.bare() + "," + serverFirst + "," + cl.withoutProof();
        boolean valid = cl.proof().length == c.storedKey().length
                && ScramFunctions.verifyClientProof(Credentials.MECHANISM, cl.proof(), c.storedKey(), authMessage);
        if (!valid
                || !user.known()
                || !cl.channelBinding().equals(encode(cf.gs2Header()))
                || !cl.nonce().equals(expectedNonce)) {
            throw new DiskException(ReplyCode.UNAUTHORIZED, FAILED);
        }
        byte[] signature = ScramFunctions.serverSignature(Credentials.MECHANISM, c.serverKey(), authMessage);
        return new Success(cf.user(), new ServerFinalMessage(signature).toString());
    }

    /** Whether {@code user} has an account: for the audit log, after a failed login (clients are never told). */
    public boolean knows(String user) throws DiskException {
        return lookup(user).known();
    }

    /** The user a client-first-message names, or "" when it names none: for the audit log. */
    public static String userIn(String clientFirstMessage) {
        try {
            return ClientFirst.parse(clientFirstMessage).user();
        } catch (DiskException | RuntimeException e) {
            return "";
        }
    }

    /** The user of an exchange in progress (a {@link First#state()}), or "": for the audit log. */
    public static String userOfExchange(String state) {
        String[] parts = state == null ? new String[0] : state.split("\\.", -1);
        try {
            return parts.length == 2 ? userIn(decode(parts[0])) : "";
        } catch (DiskException e) {
            return "";
        }
    }

    /**
     * The user's verifier or, for an unknown user, a fake one derived from the server secret and the name, as
     * PostgreSQL's mock salt: stable, with a real account's salt size and iteration count. The fake is derived for
     * every name, and the one query reads real and fake alike, so that known and unknown names cost the same.
     */
    private Accounts.Verifier lookup(String user) throws DiskException {
        if (secret == null) {
            secret = accounts.serverSecret();
        }
        byte[] salt = Arrays.copyOf(hmac(secret, "salt", user), Credentials.SALT_BYTES);
        return accounts.verifier(
                user,
                new Credentials(
                        salt,
                        Credentials.ITERATIONS,
                        hmac(secret, "stored-key", user),
                        hmac(secret, "server-key", user)));
    }

    private static byte[] hmac(byte[] key, String purpose, String user) {
        byte[] message = (purpose + "\0" + user).getBytes(StandardCharsets.UTF_8);
        return ScramFunctions.hmac(Credentials.MECHANISM, key, message);
    }

    private static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String s) throws DiskException {
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("no SCRAM exchange is in progress");
        }
    }

    private static DiskException bad(String message) {
        return new DiskException(ReplyCode.BAD_REQUEST, message);
    }

    /**
     * client-first-message = gs2-header client-first-message-bare (RFC 5802 section 7), without channel binding or
     * authorization identity: "n,," or "y,," then "n=" saslname "," "r=" nonce, and extensions, which are ignored.
     * Parsed here rather than by the SCRAM library, whose parser is a client's (it escapes the name again and
     * throws ArrayIndexOutOfBoundsException for a name that SASLprep maps to nothing).
     *
     * @param gs2Header "n,," or "y,,"
     * @param user      the user name, SASLprep'd: a valid {@link UserNames user name}
     * @param nonce     the client nonce
     * @param bare      client-first-message-bare, as the client sent it (it is signed as sent)
     */
    private record ClientFirst(String gs2Header, String user, String nonce, String bare) {

        static ClientFirst parse(String message) throws DiskException {
            if (message == null || message.isEmpty() || message.length() > MAX_CLIENT_FIRST) {
                throw bad("a SCRAM client-first-message has 1 to " + MAX_CLIENT_FIRST + " characters");
            }
            if (message.startsWith("p=")) {
                throw bad("SCRAM channel binding is not supported: use SCRAM-SHA-256");
            }
            int headerEnd = message.indexOf(',', 2);
            if (!message.startsWith("n,") && !message.startsWith("y,") || headerEnd < 0) {
                throw bad("malformed SCRAM client-first-message: expected n,,n=<user>,r=<nonce>");
            }
            if (headerEnd != 2) {
                throw bad("SCRAM authorization identities are not supported");
            }
            String bare = message.substring(3);
            String[] attrs = bare.split(",", -1);
            if (attrs[0].startsWith("m=")) {
                throw bad("mandatory SCRAM extensions are not supported");
            }
            if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
                throw bad("malformed SCRAM client-first-message: expected n,,n=<user>,r=<nonce>");
            }
            String nonce = attrs[1].substring(2);
            if (nonce.isEmpty() || nonce.length() > MAX_NONCE || !nonce.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                throw bad("a SCRAM client nonce is 1 to " + MAX_NONCE + " printable ASCII characters other than ','");
            }
            return new ClientFirst(message.substring(0, 3), userName(attrs[0].substring(2)), nonce, bare);
        }

        /**
         * SASLprep'd, as RFC 5802 asks of a server, then checked as a user name (400 if it cannot be one). The
         * saslname escapes (=2C for ',', =3D for '=') need no decoding: no user name has either character.
         */
        private static String userName(String saslName) throws DiskException {
            String prepared;
            try {
                prepared = SASL_PREP.prepareQuery(saslName);
            } catch (IllegalArgumentException e) {
                throw bad("the user name has characters SASLprep refuses (control, unassigned or bidi)");
            } catch (IndexOutOfBoundsException e) {
                prepared = ""; // how the library answers a name that maps to nothing
            }
            if (prepared.isEmpty()) {
                throw bad("the user name is empty after SASLprep");
            }
            return UserNames.check(prepared);
        }
    }

    /** client-final-message = "c=" base64 "," "r=" nonce "," "p=" base64; no extensions. */
    private record ClientFinal(String channelBinding, String nonce, byte[] proof, String withoutProof) {

        static ClientFinal parse(String message) throws DiskException {
            String[] attrs = message == null ? new String[0] : message.split(",", -1);
            if (attrs.length != 3
                    || !attrs[0].startsWith("c=")
                    || !attrs[1].startsWith("r=")
                    || !attrs[2].startsWith("p=")) {
                throw bad("malformed SCRAM client-final-message: expected c=...,r=...,p=...");
            }
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(attrs[2].substring(2));
            } catch (IllegalArgumentException e) {
                throw bad("malformed SCRAM client-final-message: the proof is not base64");
            }
            return new ClientFinal(
                    attrs[0].substring(2),
                    attrs[1].substring(2),
                    proof,
                    message.substring(0, message.lastIndexOf(",p=")));
        }
    }
}
