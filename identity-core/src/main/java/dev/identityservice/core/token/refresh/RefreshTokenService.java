package dev.identityservice.core.token.refresh;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.AccessTokenStore;
import dev.identityservice.core.token.Authorization;
import dev.identityservice.core.token.IssuedAccessToken;
import dev.identityservice.core.token.OpaqueTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, rotates and revokes refresh tokens (seed 000 and RFC 6819 §5.2.2.3).
 *
 * <p>Every use rotates the token. A token used a second time means it was copied: the server cannot
 * tell the attacker from the client, so the whole family is revoked, the legitimate holder's newest token
 * and its access tokens included (RFC 9700 §4.14.2). A client may be given a short
 * {@linkplain dev.identityservice.core.token.TokenSettings#refreshReuseGrace() reuse grace}: a reuse that
 * soon after the rotation is refused but leaves the family alone. Every reuse is logged and reported.
 */
public final class RefreshTokenService {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenService.class);
    private static final String INVALID = "Refresh token is invalid, expired or revoked";

    /** What the server did about a reused (already rotated) refresh token. */
    public enum ReuseOutcome {
        /**
         * Two requests presented one token at once and this one lost (the token was rotated during its lookup, or
         * the other won the conditional update), for a client with a reuse grace: refused, the family left alone.
         * Without a grace a simultaneous second use revokes the family like any reuse: a thief who races the
         * client and wins must not keep the session while the client is signed out.
         */
        CONCURRENT,
        /** Within the client's grace: refused, the family left alone. */
        WITHIN_GRACE,
        /** Past the grace (or without one): refused and the whole family revoked. */
        FAMILY_REVOKED
    }

    /** Notified of every reuse of a rotated refresh token, within the grace or not (for metrics and alerts). */
    @FunctionalInterface
    public interface ReuseListener {
        void reuseDetected(String tenantId, String clientId, ReuseOutcome outcome);

        /**
         * The same, with the user the family belongs to and the family's id (a random handle, not a credential),
         * for an audit log; what the service calls. By default the short form.
         */
        default void reuseDetected(String tenantId, String clientId, String userId, String familyId, ReuseOutcome outcome) {
            reuseDetected(tenantId, clientId, outcome);
        }

        /** This listener, then {@code next}, each told in the long form. */
        default ReuseListener andThen(ReuseListener next) {
            ReuseListener first = this;
            return new ReuseListener() {
                @Override
                public void reuseDetected(String tenantId, String clientId, ReuseOutcome outcome) {
                    first.reuseDetected(tenantId, clientId, outcome);
                    next.reuseDetected(tenantId, clientId, outcome);
                }

                @Override
                public void reuseDetected(String tenantId, String clientId, String userId, String familyId, ReuseOutcome outcome) {
                    first.reuseDetected(tenantId, clientId, userId, familyId, outcome);
                    next.reuseDetected(tenantId, clientId, userId, familyId, outcome);
                }
            };
        }
    }

    private final RefreshTokenStore store;
    private final AccessTokenStore accessTokens;
    private final Clock clock;
    private final ReuseListener reuseListener;

    public RefreshTokenService(RefreshTokenStore store, AccessTokenStore accessTokens, Clock clock, ReuseListener reuseListener) {
        this.store = store;
        this.accessTokens = accessTokens;
        this.clock = clock;
        this.reuseListener = reuseListener;
    }

    /** A refresh token as handed out, with the family it starts. */
    public record NewRefreshToken(String value, String familyId) {
    }

    /** Starts a new family for a fresh login. */
    public NewRefreshToken issue(Authorization authorization, IssuedAccessToken accessToken) {
        Instant now = clock.instant();
        RefreshPolicy policy = authorization.client().tokenSettings().refreshPolicy();
        Instant familyExpiresAt = now.plus(policy.familyLifetime());
        String token = OpaqueTokens.generate();
        String familyId = UUID.randomUUID().toString();
        store.insert(newToken(token, familyId, authorization, authorization.scopeString(), accessToken, familyExpiresAt, now));
        return new NewRefreshToken(token, familyId);
    }

    /**
     * Finds the usable token behind {@code presented} for {@code client} of {@code tenant}. A
     * token of another tenant or client, expired or revoked is {@code invalid_grant}; a replayed
     * one also revokes its family.
     */
    public RefreshToken redeemable(Tenant tenant, Client client, String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > OpaqueTokens.MAX_TOKEN_LENGTH) {
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        // Read before the lookup: a request that arrived before the rotation it then sees lost a race, not replayed.
        Instant now = clock.instant();
        RefreshToken token = store.find(OpaqueTokens.hash(presented))
                .filter(t -> t.tenantId().equals(tenant.id()) && t.clientId().equals(client.clientId()))
                .orElseThrow(() -> OAuthError.invalidGrant(INVALID).exception());
        if (token.state() == RefreshToken.State.ROTATED) {
            reused(tenant, client, token, now, clock.instant());
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        if (token.state() == RefreshToken.State.REVOKED || !now.isBefore(token.expiresAt())) {
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        return token;
    }

    /**
     * A rotated token came back. A request during whose lookup the rotation happened raced it (like the loser of
     * the conditional update) and is only refused; any other is a reuse: within the client's grace it is
     * refused, otherwise its family is revoked.
     *
     * <p>The rotation is stamped by whichever instance rotated, so a race is recognised only when that stamp
     * falls between this request's own readings of its clock before and after the lookup. A stamp outside them
     * (another instance's clock ahead of ours, or ours stepped back) is no race we can see: it is a reuse, and a
     * negative time since the rotation counts as zero, never as "within the grace".
     */
    private void reused(Tenant tenant, Client client, RefreshToken token, Instant arrivedAt, Instant lookedUpAt) {
        if (token.usedAt() != null && !arrivedAt.isAfter(token.usedAt()) && !token.usedAt().isAfter(lookedUpAt)) {
            lostRace(tenant.id(), client, token.userId(), token.familyId());
            return;
        }
        Duration grace = client.tokenSettings().refreshReuseGrace();
        Duration sinceRotation = token.usedAt() == null ? null : Duration.between(token.usedAt(), arrivedAt);
        if (sinceRotation != null && sinceRotation.isNegative()) {
            sinceRotation = Duration.ZERO;
        }
        boolean withinGrace = sinceRotation != null && sinceRotation.compareTo(grace) < 0;
        ReuseOutcome outcome = withinGrace ? ReuseOutcome.WITHIN_GRACE : ReuseOutcome.FAMILY_REVOKED;
        // The family id is a random handle, not a credential: it lets an operator find the family, never use it.
        LOG.warn("Refresh token reuse detected: tenant={} client={} family={} sinceRotation={}ms grace={}s outcome={}",
                tenant.id(), client.clientId(), token.familyId(), sinceRotation == null ? null : sinceRotation.toMillis(),
                grace.toSeconds(), outcome);
        if (!withinGrace) {
            revokeFamily(tenant.id(), token.familyId());
        }
        reuseListener.reuseDetected(tenant.id(), client.clientId(), token.userId(), token.familyId(), outcome);
    }

    /**
     * A second, simultaneous use of one token, refused by the caller. RFC 9700 §4.14.2: the server cannot tell the
     * client's own double request from a thief racing it, so without a reuse grace the family is revoked (the
     * winner's new token included); a client given a grace keeps its family. Logged and counted either way.
     */
    private void lostRace(String tenantId, Client client, String userId, String familyId) {
        boolean revoke = client.tokenSettings().refreshReuseGrace().isZero();
        ReuseOutcome outcome = revoke ? ReuseOutcome.FAMILY_REVOKED : ReuseOutcome.CONCURRENT;
        LOG.warn("Refresh token reuse detected: tenant={} client={} family={} outcome={} (presented twice at once)",
                tenantId, client.clientId(), familyId, outcome);
        if (revoke) {
            revokeFamily(tenantId, familyId);
        }
        reuseListener.reuseDetected(tenantId, client.clientId(), userId, familyId, outcome);
    }

    /**
     * Replaces {@code used} by a new token of the same family, paired with {@code accessToken}. The new token
     * carries the scope of the original grant, not a narrowing the refresh asked for: that narrowing applies
     * only to the access token issued now (RFC 6749 §6).
     * Exactly one of several racing rotations of one token succeeds; the others get {@code invalid_grant}.
     */
    public String rotate(RefreshToken used, Authorization authorization, IssuedAccessToken accessToken) {
        Instant now = clock.instant();
        String token = OpaqueTokens.generate();
        RefreshToken replacement = newToken(token, used.familyId(), authorization, used.scope(), accessToken,
                used.familyExpiresAt(), now);
        if (!store.rotate(used.tokenHash(), now, replacement)) {
            lostRace(used.tenantId(), authorization.client(), used.userId(), used.familyId());
            throw OAuthError.invalidGrant(INVALID).exception();
        }
        return token;
    }

    public void revokeFamily(String tenantId, String familyId) {
        revokeAccessTokens(tenantId, store.revokeFamily(tenantId, familyId, clock.instant()));
    }

    public void revokeSession(String tenantId, String sessionId) {
        revokeAccessTokens(tenantId, store.revokeSession(tenantId, sessionId, clock.instant()));
    }

    public void revokeUser(String tenantId, String userId) {
        revokeAccessTokens(tenantId, store.revokeUser(tenantId, userId, clock.instant()));
    }

    /** The stored token behind {@code presented}, whatever its state; for introspection and revocation. */
    public Optional<RefreshToken> find(String presented) {
        if (presented == null || presented.length() > OpaqueTokens.MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return store.find(OpaqueTokens.hash(presented));
    }

    private void revokeAccessTokens(String tenantId, List<RefreshToken.PairedAccessToken> paired) {
        for (RefreshToken.PairedAccessToken access : paired) {
            accessTokens.revoke(tenantId, access.jti(), access.expiresAt());
        }
    }

    private static RefreshToken newToken(String token, String familyId, Authorization authorization, String scope,
                                         IssuedAccessToken accessToken, Instant familyExpiresAt, Instant now) {
        RefreshPolicy policy = authorization.client().tokenSettings().refreshPolicy();
        return new RefreshToken(OpaqueTokens.hash(token), authorization.tenant().id(), familyId,
                authorization.client().clientId(), authorization.user().id(), authorization.sessionId(),
                scope, authorization.authTime(), authorization.amr(),
                accessToken.jti(), accessToken.expiresAt(),
                policy.expiresAt(now, accessToken.expiresAt(), familyExpiresAt), familyExpiresAt,
                RefreshToken.State.ACTIVE, now, null, authorization.claims().toJson());
    }
}
