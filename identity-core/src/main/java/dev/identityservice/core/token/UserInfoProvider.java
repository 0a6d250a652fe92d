package dev.identityservice.core.token;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.grant.Scopes;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The UserInfo response (OIDC Core §5.3): the claims about the user that the access token's scopes
 * release. The token must be active (revocation included) and carry {@code openid}.
 */
public final class UserInfoProvider {

    private final TokenIntrospector introspector;

    public UserInfoProvider(TokenIntrospector introspector) {
        this.introspector = introspector;
    }

    /**
     * The claims for {@code accessToken}; {@code invalid_token} (401) when it is not an active access
     * token about a user, {@code insufficient_scope} (403) without {@code openid}.
     */
    public Map<String, Object> userInfo(Tenant tenant, String accessToken) {
        TokenIntrospector.ResolvedAccessToken resolved = introspector.activeAccessToken(tenant, accessToken)
                .orElseThrow(() -> OAuthError.invalidToken("The access token is invalid, expired or revoked").exception());
        User user = resolved.user();
        if (user == null) {
            throw OAuthError.invalidToken("The access token does not belong to a user").exception();
        }
        Set<String> scopes = Scopes.parse(String.valueOf(resolved.introspection().members().getOrDefault("scope", "")));
        if (!scopes.contains("openid")) {
            throw OAuthError.insufficientScope("The access token lacks the openid scope").exception();
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.id());
        claims.putAll(ProfileClaims.of(user, scopes));
        return claims;
    }
}
