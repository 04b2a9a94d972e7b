package io.pooldisk.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ReplyCode;

/**
 * What the server keeps of a password (RFC 5802): the salt, the iteration count, StoredKey and ServerKey. Enough to
 * check a SCRAM proof and to prove itself to the client; not enough to log in, nor to recover the password.
 */
record Credentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_256;
    static final int ITERATIONS = 4096; // RFC 7677's minimum, as PostgreSQL uses
    static final int SALT_BYTES = 16;

    static Credentials derive(char[] password, byte[] salt, int iterations) throws DiskException {
        if (password.length == 0) {
            throw new DiskException(ReplyCode.BAD_REQUEST, "a password is required");
        }
        byte[] salted;
        try {
            salted = ScramFunctions.saltedPassword(
                    MECHANISM, StringPreparation.SASL_PREPARATION, password, salt, iterations);
        } catch (IllegalArgumentException e) {
            throw new DiskException(
                    ReplyCode.BAD_REQUEST,
                    "the password has characters SASLprep refuses " + "(control or unassigned characters)");
        }
        return new Credentials(
                salt,
                iterations,
                ScramFunctions.storedKey(MECHANISM, ScramFunctions.clientKey(MECHANISM, salted)),
                ScramFunctions.serverKey(MECHANISM, salted));
    }
}
