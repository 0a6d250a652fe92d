package dev.identityservice.core.registration;

import java.time.Instant;
import java.util.Objects;

/**
 * An initial access token as stored and listed: never the token itself, only what an administrator needs to
 * recognise and revoke it (RFC 7591 §3). The token is stored as its SHA-256.
 *
 * @param id       a random identifier to name it in the management API
 * @param maxUses  how many registrations it may authorize, or {@code null} for any number until it expires
 * @param uses     how many it has authorized
 */
public record InitialAccessToken(String id, String tenantId, Integer maxUses, int uses, Instant createdAt, Instant expiresAt) {

    public InitialAccessToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (maxUses != null && maxUses < 1) {
            throw new IllegalArgumentException("maxUses must be at least 1");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("an initial access token must expire after it is created");
        }
    }
}
