package dev.identityservice.core.session;

import dev.identityservice.core.event.SecurityEvents;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.token.OpaqueTokens;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Starts, finds and ends login sessions. Ending one (RP-initiated logout, OIDC RP-Initiated
 * Logout 1.0 §2) also revokes the refresh tokens issued in it, and queues a back-channel logout for every
 * client that took part in it (OIDC Back-Channel Logout 1.0 §2.5; see {@link LoginSessionStore}).
 */
public final class LoginSessions {

    /** How long a login at the authorize endpoint is remembered. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);

    /** A session as handed to the browser: the cookie value, and the stored hash tokens refer to. */
    public record StartedSession(String cookieValue, LoginSession session) {
    }

    private final LoginSessionStore store;
    private final RefreshTokenService refreshTokens;
    private final Clock clock;
    private final Duration ttl;
    private final Runnable onEnded;
    private final Database database;
    private final SecurityEvents events;

    /**
     * @param onEnded  told after sessions ended (outside the transaction), so that queued logouts go out at once
     * @param database for ending a session, revoking its tokens and raising its security event in one transaction
     */
    public LoginSessions(LoginSessionStore store, RefreshTokenService refreshTokens, Clock clock, Duration ttl, Runnable onEnded,
                         Database database, SecurityEvents events) {
        this.store = store;
        this.refreshTokens = refreshTokens;
        this.clock = clock;
        this.ttl = ttl;
        this.onEnded = onEnded;
        this.database = database;
        this.events = events;
    }

    public StartedSession start(String tenantId, String userId) {
        Instant now = clock.instant();
        String cookieValue = OpaqueTokens.generate();
        LoginSession session = new LoginSession(OpaqueTokens.hash(cookieValue), tenantId, userId, now, now.plus(ttl), null);
        store.insert(session);
        return new StartedSession(cookieValue, session);
    }

    /** The active session of {@code tenantId} behind a cookie value, if any. */
    public Optional<LoginSession> find(String tenantId, String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > OpaqueTokens.MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.find(OpaqueTokens.hash(cookieValue))
                .filter(s -> s.tenantId().equals(tenantId) && s.isActiveAt(now));
    }

    /**
     * Ends the session and revokes every refresh token issued in it; the first end also raises
     * {@code session-revoked} for its {@code sid} (CAEP 1.0 §3.1), in the same transaction.
     */
    public void end(LoginSession session) {
        boolean ended = database.inOneTransaction(() -> {
            boolean first = store.end(session.idHash(), clock.instant());
            refreshTokens.revokeSession(session.tenantId(), session.idHash());
            if (first) {
                events.sessionRevoked(session.tenantId(), session.sid(), session.userId());
            }
            return first;
        });
        if (ended) {
            onEnded.run();
        }
    }

    /** Ends every session of a user (revoke everything of a user). */
    public void endAllOfUser(String tenantId, String userId) {
        if (store.endAllOfUser(tenantId, userId, clock.instant()) > 0) {
            onEnded.run();
        }
    }

    /**
     * Records that {@code clientId} got an authorization code through {@code session}, so that it is told when
     * the session ends (OIDC Back-Channel Logout 1.0 §2.5).
     */
    public void addParticipant(LoginSession session, String clientId) {
        store.addParticipant(session.idHash(), clientId);
    }
}
