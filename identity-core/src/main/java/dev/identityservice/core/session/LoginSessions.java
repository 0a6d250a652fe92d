package dev.identityservice.core.session;

import dev.identityservice.core.token.OpaqueTokens;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Starts, finds and ends login sessions. Ending one (RP-initiated logout, OIDC RP-Initiated
 * Logout 1.0 §2) also revokes the refresh tokens issued in it.
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

    public LoginSessions(LoginSessionStore store, RefreshTokenService refreshTokens, Clock clock, Duration ttl) {
        this.store = store;
        this.refreshTokens = refreshTokens;
        this.clock = clock;
        this.ttl = ttl;
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

    /** Ends the session and revokes every refresh token issued in it. */
    public void end(LoginSession session) {
        store.end(session.idHash(), clock.instant());
        refreshTokens.revokeSession(session.tenantId(), session.idHash());
    }

    /** Ends every session of a user (revoke everything of a user). */
    public void endAllOfUser(String tenantId, String userId) {
        store.endAllOfUser(tenantId, userId, clock.instant());
    }
}
