package dev.identityservice.core.user;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The namespace of user subjects ({@code sub}): always a random UUID made here, never a value from a request
 * or an import. Client ids may not take this shape, so that a client_credentials token, whose {@code sub} is
 * the client id, can never name a user (RFC 9068 §5, §6: resource servers must not mistake one for the other).
 */
public final class UserSubjects {

    /** The textual UUID shape (RFC 9562 §4), either case, as the whole string. */
    private static final Pattern UUID_SHAPE = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private UserSubjects() {
    }

    /** A new user subject. */
    public static String generate() {
        return UUID.randomUUID().toString();
    }

    /** Whether {@code value} lies in the user subjects' namespace: a client may not be named so. */
    public static boolean isUserSubjectShaped(String value) {
        return value != null && UUID_SHAPE.matcher(value).matches();
    }
}
