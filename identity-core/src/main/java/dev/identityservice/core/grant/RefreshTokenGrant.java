package dev.identityservice.core.grant;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.token.Authorization;
import dev.identityservice.core.token.ClaimsRequest;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.token.TokenSetIssuer;
import dev.identityservice.core.token.refresh.RefreshToken;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserStore;

/**
 * The refresh token grant (RFC 6749 §6): one SHA-256, one indexed lookup, the signatures, and one
 * transaction that rotates the token with a conditional update.
 */
public final class RefreshTokenGrant implements GrantHandler {

    private final RefreshTokenService refreshTokens;
    private final UserStore users;
    private final TokenSetIssuer issuer;

    public RefreshTokenGrant(RefreshTokenService refreshTokens, UserStore users, TokenSetIssuer issuer) {
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.issuer = issuer;
    }

    @Override
    public GrantType grantType() {
        return GrantType.REFRESH_TOKEN;
    }

    @Override
    public IssuedTokens handle(TokenRequest request) {
        RefreshToken used = refreshTokens.redeemable(request.tenant(), request.client(), request.required("refresh_token"));
        User user = users.findById(used.tenantId(), used.userId())
                .filter(User::enabled)
                .filter(u -> u.acceptsTokensIssuedAt(used.createdAt())) // made in a race with "revoke everything"
                .orElseThrow(() -> OAuthError.invalidGrant("The user of this refresh token is no longer active").exception());
        var scopes = Scopes.narrowed(Scopes.parse(used.scope()), request.optional("scope"));
        Authorization authorization = new Authorization(request.tenant(), request.client(), user, scopes,
                used.authTime(), used.amr(), null, used.sessionId(), ClaimsRequest.fromJson(used.claimsRequest()));
        return issuer.refresh(used, authorization);
    }
}
