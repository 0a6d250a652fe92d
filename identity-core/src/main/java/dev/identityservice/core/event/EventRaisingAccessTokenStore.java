package dev.identityservice.core.event;

import dev.identityservice.core.token.AccessTokenStore;
import java.time.Instant;
import java.util.Optional;

/**
 * An {@link AccessTokenStore} that raises {@code access-token-revoked} for every access token it records as revoked,
 * in the caller's transaction: whatever revokes one (RFC 7009, a refresh family revoked on reuse or revocation, a
 * session ended, "revoke everything"), receivers learn it by its {@code jti}.
 */
public final class EventRaisingAccessTokenStore implements AccessTokenStore {

    private final AccessTokenStore store;
    private final SecurityEvents events;

    public EventRaisingAccessTokenStore(AccessTokenStore store, SecurityEvents events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public void saveOpaque(OpaqueAccessToken token) {
        store.saveOpaque(token);
    }

    @Override
    public Optional<OpaqueAccessToken> findOpaque(String tokenHash) {
        return store.findOpaque(tokenHash);
    }

    @Override
    public void revoke(String tenantId, String jti, Instant expiresAt) {
        store.revoke(tenantId, jti, expiresAt);
        events.accessTokenRevoked(tenantId, jti, expiresAt);
    }

    @Override
    public boolean isRevoked(String tenantId, String jti) {
        return store.isRevoked(tenantId, jti);
    }
}
