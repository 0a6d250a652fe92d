package dev.identityservice.core.user;

/**
 * The OpenID Connect standard claims of a user (OIDC Core §5.1) that this service keeps.
 * Every field but {@code emailVerified} may be {@code null}.
 */
public record UserProfile(String name, String givenName, String familyName, String email, boolean emailVerified,
                          String picture, String locale) {

    public static final UserProfile EMPTY = new UserProfile(null, null, null, null, false, null, null);
}
