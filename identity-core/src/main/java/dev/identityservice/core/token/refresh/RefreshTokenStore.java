package dev.identityservice.core.token.refresh;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where refresh tokens live, by hash. */
public interface RefreshTokenStore {

    void insert(RefreshToken token);

    Optional<RefreshToken> find(String tokenHash);

    /**
     * Rotates in one transaction: marks {@code usedHash} ROTATED only if it is still ACTIVE (a
     * conditional update), and inserts {@code replacement}. Returns {@code false}, changing nothing,
     * when another request rotated or revoked it first: of racing refreshes exactly one wins, across
     * server instances too.
     */
    boolean rotate(String usedHash, Instant usedAt, RefreshToken replacement);

    /** Revokes every token of a family; returns the access tokens issued with them that are still unexpired. */
    List<RefreshToken.PairedAccessToken> revokeFamily(String tenantId, String familyId, Instant now);

    /** Revokes every family that has a token in the login session. */
    List<RefreshToken.PairedAccessToken> revokeSession(String tenantId, String sessionId, Instant now);

    /** Revokes every token of the user. */
    List<RefreshToken.PairedAccessToken> revokeUser(String tenantId, String userId, Instant now);
}
