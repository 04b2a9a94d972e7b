package io.pooldisk.disk;

import java.util.Locale;

/**
 * Which content a user may upload instantly (秒传): prove possession of content the server already stores instead of
 * sending its bytes. Whatever the policy, content is stored once: the bytes of an upload that is not instant are
 * received, verified, and then dropped when the server already holds them.
 */
public enum InstantUploadPolicy {

    /**
     * Content this same user stores already (the default). The offer of an instant upload tells the user only what
     * they know: that they hold that content.
     */
    OWN,
    /**
     * Content any user stores. Saves sending files that others hold too, but the offer itself tells anyone who knows a
     * content's SHA-256 and size that somebody on this server holds it.
     */
    ALL,
    /** None: every upload sends its bytes. */
    OFF;

    /** As written on the command line: {@code own}, {@code all}, {@code off}. */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InstantUploadPolicy parse(String option) {
        for (InstantUploadPolicy p : values()) {
            if (p.option().equals(option)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + option + "' is not one of own, all, off");
    }
}
