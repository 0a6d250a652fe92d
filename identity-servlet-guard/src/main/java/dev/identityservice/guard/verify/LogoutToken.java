package dev.identityservice.guard.verify;

import java.time.Instant;

/**
 * A verified logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): the issuer ended session {@code sid}
 * of {@code subject}, or, without {@code sid}, every session of {@code subject}.
 *
 * @param subject  the {@code sub} claim, or {@code null}
 * @param sid      the {@code sid} claim, or {@code null}; at least one of the two is set
 * @param jti      the token's id
 * @param issuedAt its {@code iat}
 */
public record LogoutToken(String issuer, String subject, String sid, String jti, Instant issuedAt) {
}
