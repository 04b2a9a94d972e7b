package io.pooldisk.auth;

import io.pooldisk.disk.DiskException;
import io.pooldisk.protocol.ReplyCode;
import java.util.regex.Pattern;

/** User names: 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'; safe in SCRAM messages, logs and shells. */
final class UserNames {

    private static final Pattern VALID = Pattern.compile("(?![.-])[A-Za-z0-9._-]{1,64}");

    private UserNames() {}

    static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    static String check(String name) throws DiskException {
        if (!isValid(name)) {
            throw new DiskException(
                    ReplyCode.BAD_REQUEST,
                    "a user name is 1-64 letters, digits, '.', '_' or " + "'-', and does not start with '.' or '-'");
        }
        return name;
    }
}
