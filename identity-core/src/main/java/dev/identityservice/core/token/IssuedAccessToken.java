package dev.identityservice.core.token;

import java.time.Instant;

/** An access token as handed out (JWT or opaque handle), with the identifiers needed to revoke it later. */
public record IssuedAccessToken(String value, String jti, Instant issuedAt, Instant expiresAt) {
}
