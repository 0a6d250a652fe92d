package dev.identityservice.core.token.refresh;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored refresh token: only its hash, the authorization it carries forward, and where it stands
 * in its family (the chain of tokens rotated from one login).
 *
 * @param expiresAt       when this token stops being usable, fixed by the client's {@link RefreshPolicy}
 * @param familyExpiresAt the absolute end of the family, whatever the policy
 * @param accessTokenJti  the access token issued together with this one, revoked with the family
 * @param claimsRequest   the OIDC Core §5.5 claims request of the grant (JSON as stored), or {@code null}
 */
public record RefreshToken(String tokenHash, String tenantId, String familyId, String clientId, String userId,
                           String sessionId, String scope, Instant authTime, List<String> amr,
                           String accessTokenJti, Instant accessTokenExpiresAt, Instant expiresAt,
                           Instant familyExpiresAt, State state, Instant createdAt, Instant usedAt,
                           String claimsRequest) {

    /** ACTIVE until used once; ROTATED after (any later use is a replay); REVOKED when its family is. */
    public enum State { ACTIVE, ROTATED, REVOKED }

    public RefreshToken {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(state, "state");
        amr = List.copyOf(amr);
    }

    /** An access token to revoke because its family was: its {@code jti} and when it expires anyway. */
    public record PairedAccessToken(String jti, Instant expiresAt) {
    }
}
