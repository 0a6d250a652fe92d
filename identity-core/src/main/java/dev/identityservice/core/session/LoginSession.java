package dev.identityservice.core.session;

import java.time.Instant;

/**
 * A browser's login at the authorize endpoint, remembered by a cookie whose value is stored only as a hash.
 *
 * @param idHash SHA-256 of the cookie value; also what tokens issued in the session refer to
 */
public record LoginSession(String idHash, String tenantId, String userId, Instant authTime, Instant expiresAt, Instant endedAt) {

    public boolean isActiveAt(Instant now) {
        return endedAt == null && now.isBefore(expiresAt);
    }
}
