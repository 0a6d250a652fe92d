package dev.identityservice.core.session;

import dev.identityservice.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * A browser's login at the authorize endpoint, remembered by a cookie whose value is stored only as a hash.
 *
 * @param idHash SHA-256 of the cookie value; also what tokens issued in the session refer to
 */
public record LoginSession(String idHash, String tenantId, String userId, Instant authTime, Instant expiresAt, Instant endedAt) {

    public boolean isActiveAt(Instant now) {
        return endedAt == null && now.isBefore(expiresAt);
    }

    /** The session's {@code sid} claim (OIDC Back-Channel Logout 1.0 §2.1); see {@link #sidOf}. */
    public String sid() {
        return sidOf(idHash);
    }

    /**
     * The {@code sid} of the session stored under {@code idHash}: 128 bits of SHA-256 over a label and the hash,
     * base64url (22 characters). Derived rather than stored, so that sessions started before back-channel logout
     * have one too; one-way, so that the {@code sid} in ID tokens does not reveal the stored key, which itself
     * does not reveal the cookie.
     */
    public static String sidOf(String idHash) {
        byte[] digest = Sha256.digest(("sid:" + idHash).getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }
}
