package dev.identityservice.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;

/**
 * Copies user attributes into token claims as a client's {@link ClaimMapping}s say (seed 002's custom claims).
 *
 * <p>An attribute is a profile field by its OIDC claim name ({@code name}, {@code email}, ...) or a
 * custom attribute of the user; a missing attribute writes no claim.
 */
public final class ClaimsCustomizer {

    private ClaimsCustomizer() {
    }

    public static void apply(Authorization authorization, ClaimMapping.TokenType tokenType, JWTClaimsSet.Builder claims) {
        User user = authorization.user();
        if (user == null) {
            return;
        }
        for (ClaimMapping mapping : authorization.client().claimMappings()) {
            if (mapping.tokenType() == tokenType) {
                Object value = attribute(user, mapping.attribute());
                if (value != null) {
                    claims.claim(mapping.claim(), value);
                }
            }
        }
    }

    static Object attribute(User user, String attribute) {
        UserProfile profile = user.profile();
        return switch (attribute) {
            case "username", "preferred_username" -> user.username();
            case "name" -> profile.name();
            case "given_name" -> profile.givenName();
            case "family_name" -> profile.familyName();
            case "email" -> profile.email();
            case "email_verified" -> profile.email() == null ? null : profile.emailVerified();
            case "picture" -> profile.picture();
            case "locale" -> profile.locale();
            default -> user.attributes().get(attribute);
        };
    }
}
