package dev.identityservice.core.token;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.token.refresh.RefreshToken;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import java.time.Duration;

/**
 * Issues the tokens of a successful grant together: the access token; a refresh token when a user
 * is involved and the client may refresh; an ID token when {@code openid} was granted.
 */
public final class TokenSetIssuer {

    /** What was issued, with the identifiers a later replay of the grant must revoke. */
    public record IssuedTokenSet(IssuedTokens tokens, IssuedAccessToken accessToken, String refreshFamilyId) {
    }

    private final AccessTokenIssuer accessTokens;
    private final IdTokenIssuer idTokens;
    private final RefreshTokenService refreshTokens;

    public TokenSetIssuer(AccessTokenIssuer accessTokens, IdTokenIssuer idTokens, RefreshTokenService refreshTokens) {
        this.accessTokens = accessTokens;
        this.idTokens = idTokens;
        this.refreshTokens = refreshTokens;
    }

    /** Tokens for a new login: a refresh token starts a new family. */
    public IssuedTokenSet issue(Authorization authorization) {
        IssuedAccessToken access = accessTokens.issue(authorization);
        RefreshTokenService.NewRefreshToken refresh = mayRefresh(authorization) ? refreshTokens.issue(authorization, access) : null;
        return new IssuedTokenSet(response(authorization, access, refresh == null ? null : refresh.value()), access,
                refresh == null ? null : refresh.familyId());
    }

    /** Tokens for a refresh: {@code used} is rotated into a new token of its family. */
    public IssuedTokens refresh(RefreshToken used, Authorization authorization) {
        IssuedAccessToken access = accessTokens.issue(authorization);
        String refresh = refreshTokens.rotate(used, authorization, access);
        return response(authorization, access, refresh);
    }

    private IssuedTokens response(Authorization authorization, IssuedAccessToken access, String refreshToken) {
        String idToken = authorization.user() != null && authorization.hasScope("openid")
                ? idTokens.issue(authorization, access.value()) : null;
        Duration expiresIn = authorization.client().tokenSettings().accessTokenTtl();
        return new IssuedTokens(access.value(), expiresIn, authorization.scopeString(), refreshToken, idToken);
    }

    private static boolean mayRefresh(Authorization authorization) {
        return authorization.user() != null && authorization.client().allows(GrantType.REFRESH_TOKEN);
    }
}
