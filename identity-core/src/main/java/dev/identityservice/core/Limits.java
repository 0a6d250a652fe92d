package dev.identityservice.core;

import java.util.Collection;

/**
 * The longest values the engine stores: the widths of their columns in {@code db/migration}. Records check
 * them when they are made, so an over-long value is a clear {@link IllegalArgumentException} naming the field
 * (a 400 at the edge), never a database failure halfway through a write.
 */
public final class Limits {

    /** Names: roles, attribute names, client names, claim names. */
    public static final int MAX_NAME_CHARS = 255;
    /** A user attribute's value. */
    public static final int MAX_ATTRIBUTE_VALUE_CHARS = 4096;
    /** An e-mail address (RFC 5321 §4.5.3.1: 64 + 1 + 255). */
    public static final int MAX_EMAIL_CHARS = 320;
    /** A URI: pictures, redirect URIs. */
    public static final int MAX_URI_CHARS = 2048;
    /** A BCP 47 language tag. */
    public static final int MAX_LOCALE_CHARS = 35;
    /** A client's redirect URIs, post-logout URIs or origins, space-separated. */
    public static final int MAX_URI_LIST_CHARS = 8192;
    /** A client's scopes, space-separated. */
    public static final int MAX_SCOPE_LIST_CHARS = 4096;
    /** A client's access-token audience. */
    public static final int MAX_AUDIENCE_CHARS = 1024;
    /** A client's public JWK Set as stored JSON (RFC 7517 §5): 32 KiB, room for 16 RSA-4096 keys with certificates. */
    public static final int MAX_JWKS_CHARS = 32 * 1024;
    /** A client's contacts (e-mail addresses), space-separated. */
    public static final int MAX_CONTACT_LIST_CHARS = 4096;
    /** An IANA time zone name (OIDC Core §5.1 {@code zoneinfo}), e.g. {@code America/Argentina/Buenos_Aires}. */
    public static final int MAX_ZONEINFO_CHARS = 64;
    /** A telephone number (OIDC Core §5.1 {@code phone_number}): E.164 is at most 16 characters, plus an extension. */
    public static final int MAX_PHONE_CHARS = 64;
    /** A postal address's {@code formatted} or {@code street_address} (OIDC Core §5.1.1), lines included. */
    public static final int MAX_ADDRESS_CHARS = 1024;
    /** An OIDC Core §5.5 {@code claims} request as stored with a code or refresh token (JSON text). */
    public static final int MAX_CLAIMS_REQUEST_CHARS = 4096;

    private Limits() {
    }

    /** {@code value} if it is {@code null} or at most {@code max} characters; otherwise fails naming {@code field}. */
    public static String atMost(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters");
        }
        return value;
    }

    /** Fails naming {@code field} when {@code values}, joined by spaces as they are stored, exceed {@code max}. */
    public static void joinedAtMost(String field, Collection<String> values, int max) {
        int length = Math.max(0, values.size() - 1);
        for (String value : values) {
            length += value.length();
        }
        if (length > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters in all");
        }
    }
}
