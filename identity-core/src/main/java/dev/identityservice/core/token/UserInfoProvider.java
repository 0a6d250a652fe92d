package dev.identityservice.core.token;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.grant.Scopes;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The UserInfo response (OIDC Core §5.3): {@code sub}, the claims the access token's scopes request (§5.4),
 * and those the {@code claims} parameter asked for {@code userinfo} (§5.5), {@code acr} included. The token
 * must be active (revocation included) and carry {@code openid}.
 */
public final class UserInfoProvider {

    private final TokenIntrospector introspector;
    private final IdTokenIssuer signer;

    public UserInfoProvider(TokenIntrospector introspector, IdTokenIssuer signer) {
        this.introspector = introspector;
        this.signer = signer;
    }

    /**
     * The response: the claims, and when the token's client registered a {@code userinfo_signed_response_alg},
     * the same claims as a signed JWT ({@code application/jwt}, §5.3.2), else {@code null}.
     */
    public record UserInfo(Map<String, Object> claims, String signedJwt) {
    }

    /**
     * The claims for {@code accessToken}; {@code invalid_token} (401) when it is not an active access
     * token about a user, {@code insufficient_scope} (403) without {@code openid}.
     */
    public UserInfo userInfo(Tenant tenant, String accessToken) {
        Answer answer = answer(tenant, accessToken);
        Client client = answer.client();
        return new UserInfo(answer.claims(), client.userinfoSignedResponseAlg() == null ? null
                : signer.signUserInfo(tenant, client, answer.claims()));
    }

    /**
     * The claims for {@code accessToken} when its client takes them unsigned (JSON), else {@code null}: a signed
     * answer costs a signature, which only {@link #userInfo} gives. Errors as {@link #userInfo}.
     */
    public Map<String, Object> unsignedClaimsOrNull(Tenant tenant, String accessToken) {
        Answer answer = answer(tenant, accessToken);
        return answer.client().userinfoSignedResponseAlg() == null ? answer.claims() : null;
    }

    private record Answer(Map<String, Object> claims, Client client) {
    }

    private Answer answer(Tenant tenant, String accessToken) {
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
        Set<String> names = new LinkedHashSet<>(ProfileClaims.requestedBy(scopes));
        names.addAll(resolved.userinfoClaims());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.id());
        claims.putAll(ProfileClaims.of(user, names));
        if (names.contains("acr")) {
            claims.put("acr", AuthenticationContext.ACR_PASSWORD);
        }
        return new Answer(claims, resolved.client());
    }
}
