package io.pooldisk.auth;

import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ServerFinalMessage;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.exception.ScramParseException;
import io.pooldisk.disk.DiskException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding. The password never crosses the
 * wire and the server checks a proof against StoredKey. The two steps may run in different worker processes, so the
 * exchange's state is a string the caller keeps between them (it is not sent to the client).
 *
 * <p>An unknown user gets a server-first-message like a real user's, with a salt derived from the server secret,
 * and fails the last step with the same message a wrong password gets: nobody learns which names exist.
 */
public final class ScramServer {

    private static final String FAILED = "authentication failed";
    private static final int NONCE_LENGTH = 24;

    private final Accounts accounts;
    private final SecureRandom random = new SecureRandom();
    private byte[] secret;

    public ScramServer(Accounts accounts) {
        this.accounts = accounts;
    }

    public record First(String serverFirstMessage, String state) {
    }

    public record Success(String user, String serverFinalMessage) {
    }

    /** Answers a client-first-message with the user's salt and iteration count and a nonce. 400 when malformed. */
    public First first(String clientFirstMessage) throws DiskException {
        ClientFirstMessage cf = parseClientFirst(clientFirstMessage);
        Credentials c = lookup(cf.getUsername()).credentials();
        ServerFirstMessage sf = new ServerFirstMessage(cf.getClientNonce(), ScramFunctions.nonce(NONCE_LENGTH, random),
                Base64.getEncoder().encodeToString(c.salt()), c.iterations());
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
        ClientFirstMessage cf = parseClientFirst(clientFirst);
        ClientFinal cl = ClientFinal.parse(clientFinalMessage);
        String gs2Header = clientFirst.substring(0, clientFirst.length() - bare(clientFirst).length());
        String expectedNonce = serverFirst.substring(2, serverFirst.indexOf(','));
        Lookup user = lookup(cf.getUsername()); // an unknown user costs the same work as a known one
        Credentials c = user.credentials();
        String authMessage = bare(clientFirst) + "," + serverFirst + "," + cl.withoutProof();
        boolean valid = cl.proof().length == c.storedKey().length
                && ScramFunctions.verifyClientProof(Credentials.MECHANISM, cl.proof(), c.storedKey(), authMessage);
        if (!valid || !user.known() || !cl.channelBinding().equals(encode(gs2Header))
                || !cl.nonce().equals(expectedNonce)) {
            throw new DiskException(DiskException.UNAUTHORIZED, FAILED);
        }
        byte[] signature = ScramFunctions.serverSignature(Credentials.MECHANISM, c.serverKey(), authMessage);
        return new Success(cf.getUsername(), new ServerFinalMessage(signature).toString());
    }

    private static ClientFirstMessage parseClientFirst(String message) throws DiskException {
        ClientFirstMessage cf;
        try {
            cf = ClientFirstMessage.parseFrom(message);
        } catch (ScramParseException | IllegalArgumentException e) {
            throw bad("malformed SCRAM client-first-message: " + e.getMessage());
        }
        if (cf.isChannelBindingRequired()) {
            throw bad("SCRAM channel binding is not supported: use SCRAM-SHA-256");
        }
        if (cf.getGs2Header().getAuthzid() != null) {
            throw bad("SCRAM authorization identities are not supported");
        }
        return cf;
    }

    /** client-first-message-bare: the message after the gs2-header ("n,," and the like). */
    private static String bare(String clientFirst) {
        return clientFirst.substring(clientFirst.indexOf(',', clientFirst.indexOf(',') + 1) + 1);
    }

    private record Lookup(Credentials credentials, boolean known) {
    }

    /** The user's credentials or, for an unknown user, some derived from the server secret and the name. */
    private Lookup lookup(String user) throws DiskException {
        Optional<Credentials> real = UserNames.isValid(user) ? accounts.credentials(user) : Optional.empty();
        if (real.isPresent()) {
            return new Lookup(real.get(), true);
        }
        if (secret == null) {
            secret = accounts.serverSecret();
        }
        byte[] salt = Arrays.copyOf(hmac(secret, "salt", user), Credentials.SALT_BYTES);
        return new Lookup(new Credentials(salt, Credentials.ITERATIONS, hmac(secret, "stored-key", user),
                hmac(secret, "server-key", user)), false);
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
        return new DiskException(DiskException.BAD_REQUEST, message);
    }

    /** client-final-message = "c=" base64 "," "r=" nonce "," "p=" base64; no extensions. */
    private record ClientFinal(String channelBinding, String nonce, byte[] proof, String withoutProof) {

        static ClientFinal parse(String message) throws DiskException {
            String[] attrs = message == null ? new String[0] : message.split(",", -1);
            if (attrs.length != 3 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")
                    || !attrs[2].startsWith("p=")) {
                throw bad("malformed SCRAM client-final-message: expected c=...,r=...,p=...");
            }
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(attrs[2].substring(2));
            } catch (IllegalArgumentException e) {
                throw bad("malformed SCRAM client-final-message: the proof is not base64");
            }
            return new ClientFinal(attrs[0].substring(2), attrs[1].substring(2), proof,
                    message.substring(0, message.lastIndexOf(",p=")));
        }
    }
}
