package dev.identityservice.core.user;

import dev.identityservice.core.Limits;

/**
 * The OpenID Connect standard claims of a user (OIDC Core §5.1) that this service keeps.
 * Every field but {@code emailVerified} may be {@code null}.
 */
public record UserProfile(String name, String givenName, String familyName, String email, boolean emailVerified,
                          String picture, String locale) {

    public static final UserProfile EMPTY = new UserProfile(null, null, null, null, false, null, null);

    public UserProfile {
        Limits.atMost("name", name, Limits.MAX_NAME_CHARS);
        Limits.atMost("givenName", givenName, Limits.MAX_NAME_CHARS);
        Limits.atMost("familyName", familyName, Limits.MAX_NAME_CHARS);
        Limits.atMost("email", email, Limits.MAX_EMAIL_CHARS);
        Limits.atMost("picture", picture, Limits.MAX_URI_CHARS);
        Limits.atMost("locale", locale, Limits.MAX_LOCALE_CHARS);
    }
}
