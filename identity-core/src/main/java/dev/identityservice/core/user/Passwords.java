package dev.identityservice.core.user;

import java.nio.CharBuffer;
import java.util.Arrays;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * Passwords in their PRECIS OpaqueString form (RFC 8265 §4, library {@code rocks.xmpp:precis}): non-ASCII
 * spaces become ASCII spaces and the string is normalized to NFC, so that a password typed on a keyboard that
 * sends "zoë" as NFD, or with a no-break space, is the same password; control characters are refused.
 *
 * <p>Hashes are made of the prepared form. Hashes stored before this rule were made of the raw input: a
 * password whose raw and prepared forms differ is checked against both ({@link #check}), and a match of the
 * raw form only tells the caller to rehash. For a password that is already in its prepared form (every ASCII
 * password) this costs nothing extra; for the others one more hash, the same whether or not the user exists.
 */
public final class Passwords {

    /** How a password matched a stored hash. */
    public enum Match {
        /** No match. */
        NONE,
        /** The prepared form matched: the hash is current. */
        PREPARED,
        /** Only the raw input matched: a hash from before PRECIS; rehash the prepared form. */
        RAW
    }

    private Passwords() {
    }

    /**
     * The OpaqueString form of {@code password}; the caller wipes both arrays after use.
     *
     * @throws IllegalArgumentException when the password has characters OpaqueString refuses (controls,
     *                                  unassigned code points) or is empty
     */
    public static char[] prepare(char[] password) {
        // The library works on CharSequences and answers a String: one short-lived copy we cannot wipe.
        return PrecisProfiles.OPAQUE_STRING.enforce(CharBuffer.wrap(password)).toCharArray();
    }

    /** {@link #prepare}, or {@code null} when OpaqueString refuses the password. */
    static char[] prepareOrNull(char[] password) {
        try {
            return prepare(password);
        } catch (IllegalArgumentException refused) {
            return null;
        }
    }

    /**
     * Checks {@code password} against {@code phcHash} in its prepared form and, when that fails and the raw
     * form differs, in its raw form. With {@code phcHash} {@code null} the caller passes a dummy hash, so that
     * the cost is the same for unknown users.
     */
    public static Match check(PasswordHasher hasher, char[] password, String phcHash) {
        char[] prepared = prepareOrNull(password);
        try {
            if (prepared != null && hasher.verify(prepared, phcHash)) {
                return Match.PREPARED;
            }
            if ((prepared == null || !Arrays.equals(prepared, password)) && hasher.verify(password, phcHash)) {
                return Match.RAW;
            }
            return Match.NONE;
        } finally {
            if (prepared != null) {
                Arrays.fill(prepared, '\0');
            }
        }
    }
}
