package dev.identityservice.core.grant;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored authorization code (RFC 6749 §4.1.2): only its hash and what the user approved.
 *
 * @param codeChallenge the RFC 7636 S256 challenge, or {@code null} for a confidential client that sent none
 * @param consumedAt    when it was redeemed; a second redemption is a replay
 * @param claimsRequest the OIDC Core §5.5 claims request as {@link dev.identityservice.core.token.ClaimsRequest#toJson}
 *                      stored it, or {@code null}
 * @param frontChannelAccessJti       the access token issued with the code in the same authorization response (hybrid
 *                                    flow {@code code token}, OIDC Core §3.3.2.5), or {@code null}: a replay of the
 *                                    code revokes it too (RFC 6749 §4.1.2)
 * @param frontChannelAccessExpiresAt when that access token expires, or {@code null}
 */
public record AuthorizationCode(String codeHash, String tenantId, String clientId, String userId, String sessionId,
                                String redirectUri, String scope, String nonce, String codeChallenge,
                                Instant authTime, Instant expiresAt, Instant consumedAt,
                                String issuedFamilyId, String issuedAccessJti, Instant issuedAccessExpiresAt,
                                String claimsRequest, String frontChannelAccessJti, Instant frontChannelAccessExpiresAt) {

    public AuthorizationCode {
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(authTime, "authTime");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
