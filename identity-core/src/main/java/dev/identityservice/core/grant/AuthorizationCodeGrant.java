package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.token.AccessTokenStore;
import dev.identityservice.core.token.AuthenticationContext;
import dev.identityservice.core.token.Authorization;
import dev.identityservice.core.token.ClaimsRequest;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.token.OpaqueTokens;
import dev.identityservice.core.token.TokenSetIssuer;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization code grant (RFC 6749 §4.1.3) with PKCE (RFC 7636). A code redeems once; a
 * replayed code revokes the tokens its first redemption issued and the access token issued with it in the
 * authorization response of the hybrid flow (RFC 6749 §4.1.2).
 */
public final class AuthorizationCodeGrant implements GrantHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeGrant.class);
    private static final String INVALID = "Authorization code is invalid, expired or already used";

    private final AuthorizationCodeStore codes;
    private final UserStore users;
    private final TokenSetIssuer issuer;
    private final RefreshTokenService refreshTokens;
    private final AccessTokenStore accessTokens;
    private final Clock clock;

    public AuthorizationCodeGrant(AuthorizationCodeStore codes, UserStore users, TokenSetIssuer issuer,
                                  RefreshTokenService refreshTokens, AccessTokenStore accessTokens, Clock clock) {
        this.codes = codes;
        this.users = users;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
        this.clock = clock;
    }

    @Override
    public GrantType grantType() {
        return GrantType.AUTHORIZATION_CODE;
    }

    @Override
    public IssuedTokens handle(TokenRequest request) {
        String presented = request.required("code");
        if (presented.length() > OpaqueTokens.MAX_TOKEN_LENGTH) {
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        String codeHash = OpaqueTokens.hash(presented);
        AuthorizationCode code = codes.find(codeHash)
                .filter(c -> c.tenantId().equals(request.tenant().id()) && c.clientId().equals(request.client().clientId()))
                .orElseThrow(() -> OAuthError.invalidGrant(INVALID).exception());
        Instant now = clock.instant();
        if (code.consumedAt() != null) {
            revokeWhatItIssued(code);
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        if (!now.isBefore(code.expiresAt())) {
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        checkRedirectUri(request, code);
        checkPkce(request, code);
        if (!codes.consume(codeHash, now)) {
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        User user = users.findById(code.tenantId(), code.userId()).filter(User::enabled)
                .filter(u -> u.acceptsTokensIssuedAt(code.authTime())) // a login before "revoke everything"
                .orElseThrow(() -> OAuthError.invalidGrant("The user of this code is no longer active").exception());
        Authorization authorization = new Authorization(request.tenant(), request.client(), user,
                Scopes.parse(code.scope()), code.authTime(), List.of(AuthenticationContext.AMR_PASSWORD), code.nonce(),
                code.sessionId(), ClaimsRequest.fromJson(code.claimsRequest()));
        TokenSetIssuer.IssuedTokenSet issued = issuer.issue(authorization);
        codes.recordIssued(codeHash, issued.refreshFamilyId(), issued.accessToken().jti(), issued.accessToken().expiresAt());
        return issued.tokens();
    }

    /** RFC 6749 §4.1.3: the redirect URI must be identical to the one of the authorization request. */
    private static void checkRedirectUri(TokenRequest request, AuthorizationCode code) {
        String redirectUri = request.optional("redirect_uri");
        boolean omittedButUnambiguous = redirectUri == null
                && request.client().redirectUris().equals(List.of(code.redirectUri()));
        if (!omittedButUnambiguous && !code.redirectUri().equals(redirectUri)) {
            throw OAuthError.invalidGrant("redirect_uri does not match the authorization request").exception();
        }
    }

    /** RFC 7636 §4.6, and a verifier without a challenge is refused (PKCE downgrade, RFC 9700 §4.8.2). */
    private static void checkPkce(TokenRequest request, AuthorizationCode code) {
        String verifier = request.optional("code_verifier");
        if (code.codeChallenge() == null) {
            if (verifier != null) {
                throw OAuthError.invalidGrant("code_verifier sent for a code issued without code_challenge").exception();
            }
            return;
        }
        if (!Pkce.verify(verifier, code.codeChallenge())) {
            throw OAuthError.invalidGrant("PKCE verification failed").exception();
        }
    }

    private void revokeWhatItIssued(AuthorizationCode code) {
        LOG.warn("Authorization code replay for client {} of tenant {}: revoking what it issued", code.clientId(), code.tenantId());
        if (code.issuedFamilyId() != null) {
            refreshTokens.revokeFamily(code.tenantId(), code.issuedFamilyId());
        }
        if (code.issuedAccessJti() != null) {
            accessTokens.revoke(code.tenantId(), code.issuedAccessJti(), code.issuedAccessExpiresAt());
        }
        if (code.frontChannelAccessJti() != null) {
            // Hybrid flow: the access token that left with the code in the authorization response.
            accessTokens.revoke(code.tenantId(), code.frontChannelAccessJti(), code.frontChannelAccessExpiresAt());
        }
    }
}
