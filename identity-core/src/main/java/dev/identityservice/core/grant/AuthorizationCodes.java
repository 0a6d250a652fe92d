package dev.identityservice.core.grant;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.ClaimsRequest;
import dev.identityservice.core.token.IssuedAccessToken;
import dev.identityservice.core.token.OpaqueTokens;
import dev.identityservice.core.user.User;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Mints authorization codes at the end of a successful authorization request: single use,
 * short-lived, stored hashed, bound to client, redirect URI and PKCE challenge.
 */
public final class AuthorizationCodes {

    /** RFC 6749 §4.1.2 recommends at most ten minutes; one is plenty for a redirect. */
    public static final Duration CODE_TTL = Duration.ofSeconds(60);

    private final AuthorizationCodeStore store;
    private final Clock clock;

    public AuthorizationCodes(AuthorizationCodeStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Issues a code without individually requested claims. */
    public String issue(Tenant tenant, Client client, User user, String redirectUri, Set<String> scopes, String nonce,
                        String codeChallenge, Instant authTime, String sessionId) {
        return issue(tenant, client, user, redirectUri, scopes, nonce, codeChallenge, authTime, sessionId, ClaimsRequest.NONE);
    }

    /**
     * Issues a code for {@code user}'s approval of {@code client}'s request.
     *
     * @param codeChallenge an S256 challenge; required for public clients
     * @param sessionId     the login session's hash, so logout can revoke what the code yields
     * @param claims        the claims requested individually (OIDC Core §5.5), answered when the code is redeemed
     *                      and at {@code /userinfo}
     */
    public String issue(Tenant tenant, Client client, User user, String redirectUri, Set<String> scopes, String nonce,
                        String codeChallenge, Instant authTime, String sessionId, ClaimsRequest claims) {
        if (codeChallenge == null && client.isPublic()) {
            throw OAuthError.invalidRequest("PKCE code_challenge with method S256 is required for public clients").exception();
        }
        if (codeChallenge != null && !Pkce.isValidChallenge(codeChallenge)) {
            throw OAuthError.invalidRequest("Malformed code_challenge").exception();
        }
        String code = OpaqueTokens.generate();
        Instant now = clock.instant();
        store.insert(new AuthorizationCode(OpaqueTokens.hash(code), tenant.id(), client.clientId(), user.id(), sessionId,
                redirectUri, String.join(" ", scopes), nonce, codeChallenge, authTime, now.plus(CODE_TTL), null,
                null, null, null, claims.toJson(), null, null));
        return code;
    }

    /**
     * Remembers {@code accessToken}, issued in the same authorization response as {@code code} (the hybrid flow's
     * {@code code token}, OIDC Core §3.3.2.5), so that a replay of the code revokes it with what the code's
     * redemption issued (RFC 6749 §4.1.2). Called before the response leaves, so before the code can be redeemed.
     *
     * @param code the code as {@link #issue} returned it
     */
    public void issuedWith(String code, IssuedAccessToken accessToken) {
        store.recordFrontChannel(OpaqueTokens.hash(code), accessToken.jti(), accessToken.expiresAt());
    }
}
