package dev.identityservice.core.token;

import java.time.Instant;
import java.util.Optional;

/**
 * Server-side state of access tokens: opaque handles (stored as hashes) and the list of revoked
 * {@code jti}s that introspection consults. JWT access tokens themselves are never stored.
 */
public interface AccessTokenStore {

    /**
     * What an opaque access token stands for.
     *
     * @param userinfoClaims the claims the OIDC Core §5.5 {@code claims} parameter asked {@code /userinfo} for,
     *                       space-separated ({@code ""} for none)
     */
    record OpaqueAccessToken(String tokenHash, String tenantId, String jti, String clientId, String subject,
                             String userId, String username, String scope, String roles, String audience,
                             Instant issuedAt, Instant expiresAt, String userinfoClaims) {
    }

    void saveOpaque(OpaqueAccessToken token);

    Optional<OpaqueAccessToken> findOpaque(String tokenHash);

    /** Records {@code jti} as revoked until {@code expiresAt}, after which the token is dead anyway. */
    void revoke(String tenantId, String jti, Instant expiresAt);

    boolean isRevoked(String tenantId, String jti);
}
