package io.pooldisk.auth;

import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ReplyCode;

/**
 * What a person may choose as a password, where people choose one (the {@code user} command, the console's Users
 * tab). SCRAM keeps the password off the wire, but a short one falls to guessing through the login throttle's
 * windows, or at once to anyone holding a copy of the database.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 8;

    private PasswordPolicy() {}

    /** Null when {@code password} may be used, else why not, in a person's words. */
    public static String problem(char[] password) {
        if (password.length < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters";
        }
        return null;
    }

    public static void check(char[] password) throws DiskException {
        String problem = problem(password);
        if (problem != null) {
            throw new DiskException(ReplyCode.BAD_REQUEST, problem);
        }
    }
}
