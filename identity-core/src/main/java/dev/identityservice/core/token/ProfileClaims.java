package dev.identityservice.core.token;

import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The standard claims a user's profile releases for granted scopes (OIDC Core §5.4): {@code profile}
 * releases name, preferred_username, given/family name, picture and locale; {@code email} releases
 * email and email_verified. Used by ID tokens and {@code /userinfo} alike.
 */
public final class ProfileClaims {

    private ProfileClaims() {
    }

    /** The released claims, without {@code sub}; absent profile fields are left out. */
    public static Map<String, Object> of(User user, Set<String> scopes) {
        Map<String, Object> claims = new LinkedHashMap<>();
        UserProfile profile = user.profile();
        if (scopes.contains("profile")) {
            claims.put("preferred_username", user.username());
            putIfPresent(claims, "name", profile.name());
            putIfPresent(claims, "given_name", profile.givenName());
            putIfPresent(claims, "family_name", profile.familyName());
            putIfPresent(claims, "picture", profile.picture());
            putIfPresent(claims, "locale", profile.locale());
        }
        if (scopes.contains("email") && profile.email() != null) {
            claims.put("email", profile.email());
            claims.put("email_verified", profile.emailVerified());
        }
        return claims;
    }

    private static void putIfPresent(Map<String, Object> claims, String name, String value) {
        if (value != null) {
            claims.put(name, value);
        }
    }
}
