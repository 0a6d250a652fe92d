package dev.identityservice.core.user;

import dev.identityservice.core.Limits;
import java.util.Locale;
import rocks.xmpp.precis.PrecisProfile;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * The canonical forms of usernames, by the PRECIS profiles of RFC 8265 §3 (library {@code rocks.xmpp:precis}).
 *
 * <p>The choice: a username is <em>stored</em> as the user wrote it, prepared by UsernameCasePreserved
 * (RFC 8265 §3.4: width mapping, NFC, bidi rule), so that "Zoë" is shown as "Zoë"; it is <em>compared,
 * looked up and kept unique</em> in its UsernameCaseMapped form (§3.3: the same plus case folding), so that
 * {@code zoë} in NFC, {@code zoe&#x308;} in NFD, {@code ZOË} and the fullwidth {@code ｚｏë} are one account.
 * Case-insensitive login was already this server's promise; case mapping keeps it, and case-preserved
 * storage keeps what the administrator typed.
 *
 * <p>PRECIS identifiers have no spaces and no control or symbol characters outside ASCII. New names that
 * break the profile are refused ({@link #stored}); a name stored before PRECIS was enforced keeps its old
 * lookup key ({@link #key}), so that nobody is locked out by the upgrade.
 */
public final class Usernames {

    private static final PrecisProfile CASE_MAPPED = PrecisProfiles.USERNAME_CASE_MAPPED;
    private static final PrecisProfile CASE_PRESERVED = PrecisProfiles.USERNAME_CASE_PRESERVED;

    private Usernames() {
    }

    /**
     * The form in which a new or renamed username is stored: UsernameCasePreserved (RFC 8265 §3.4).
     *
     * @throws IllegalArgumentException naming the rule when {@code username} is not a PRECIS username
     */
    public static String stored(String username) {
        String stored;
        try {
            stored = CASE_PRESERVED.enforce(username);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("username must be a PRECIS username (RFC 8265 §3: letters, digits and "
                    + "ASCII punctuation, no spaces): " + e.getMessage());
        }
        // Case mapping can lengthen a name ("İ" becomes "i" + U+0307), and the key has a column of its own.
        if (CASE_MAPPED.enforce(stored).length() > Limits.MAX_NAME_CHARS) {
            throw new IllegalArgumentException("username must be at most " + Limits.MAX_NAME_CHARS
                    + " characters in its case-mapped form (RFC 8265 §3.3)");
        }
        return stored;
    }

    /**
     * The key under which a username is indexed, compared and found: its UsernameCaseMapped form (RFC 8265
     * §3.3), or, for a name that profile refuses (only names stored before it was enforced can be such), the
     * former key: stripped and lower-cased. The same former key for a name stored before PRECIS whose
     * case-mapped form no longer fits the key column (NFC can lengthen it); {@link #stored} refuses such new names.
     * Never throws for a non-null name, and never answers a key that starts with a space ({@link #unreachableKey}).
     */
    public static String key(String username) {
        String key;
        try {
            key = CASE_MAPPED.enforce(username);
        } catch (IllegalArgumentException notPrecis) {
            return legacyKey(username);
        }
        return key.length() <= Limits.MAX_NAME_CHARS ? key : legacyKey(username);
    }

    /**
     * A key that {@link #key} never computes, for an account that lost its name to an older duplicate in the
     * PRECIS migration (schema version 5): a space, then {@code duplicate:} and the account's id. No lookup can
     * reach it: a UsernameCaseMapped form never holds a space (RFC 8265 §3.3), and the former key is stripped,
     * so it never starts with one. The account stays listed, editable and deletable by id.
     *
     * @param userId the account's id (at most 36 characters, so the key fits the key column)
     */
    public static String unreachableKey(String userId) {
        return " duplicate:" + userId;
    }

    /** The key of the schema before version 5, kept for names that PRECIS refuses. */
    static String legacyKey(String username) {
        return username.strip().toLowerCase(Locale.ROOT);
    }
}
