package dev.identityservice.core.event;

import dev.identityservice.core.change.Change;
import dev.identityservice.core.change.ChangeNotifier;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.token.TokenSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Raises security events and serves streams. Every {@code raise} method stores one event in the caller's
 * transaction when there is one ({@link Database#inOneTransaction}), so that the event and the revocation it
 * reports are committed together or not at all, and announces it ({@link Change.Kind#SECURITY_EVENTS}) to every
 * instance once committed, which wakes the long polls waiting for the tenant.
 *
 * <p>Events whose affected tokens are not named one by one (a session, a user, a key, a client) keep their deny
 * entry until {@code event_timestamp} plus {@link TokenSettings#MAX_TOKEN_TTL}, the latest {@code exp} a token
 * issued before the cut-off can have.
 */
public final class SecurityEvents {

    /** A stream creation refused because the client holds {@link SecurityEventSettings#maxStreamsPerClient} already. */
    public static final class TooManyStreamsException extends RuntimeException {
        public TooManyStreamsException(int limit) {
            super("A client may hold at most " + limit + " streams (security-events.max-streams-per-client); delete one first");
        }
    }

    /**
     * A stream polled within this long plus {@link SecurityEventSettings#pollMaxWait} is in use: 1 minute. Past it,
     * a creation that meets the per-client limit deletes the least recently polled stream instead of failing: a
     * receiver killed without deleting its stream leaves it behind, and its restarts must not be locked out until
     * the idle expiry. A receiver that polls the deleted stream again meets 404 and creates a new one.
     */
    public static final java.time.Duration STREAM_IN_USE_WINDOW = java.time.Duration.ofMinutes(1);

    private final SecurityEventStore store;
    private final Database database;
    private final ChangeNotifier changes;
    private final Clock clock;
    private final SecurityEventSettings settings;

    public SecurityEvents(SecurityEventStore store, Database database, ChangeNotifier changes, Clock clock, SecurityEventSettings settings) {
        this.store = store;
        this.database = database;
        this.changes = changes;
        this.clock = clock;
        this.settings = settings;
    }

    public SecurityEventSettings settings() {
        return settings;
    }

    /** Access token {@code jti} revoked at the server; it would have expired at {@code expiresAt}. */
    public void accessTokenRevoked(String tenantId, String jti, Instant expiresAt) {
        raise(SecurityEvent.accessTokenRevoked(tenantId, jti, expiresAt, clock.instant()));
    }

    /**
     * The login session {@code sid} of {@code userSubject} ended: tokens carrying that {@code sid} and issued
     * before the next whole second are dead.
     */
    public void sessionRevoked(String tenantId, String sid, String userSubject) {
        Instant now = clock.instant();
        Instant cutOff = SecurityEvent.ceilSecond(now);
        raise(SecurityEvent.sessionRevoked(tenantId, sid, userSubject, cutOff, cutOff.plus(TokenSettings.MAX_TOKEN_TTL), now));
    }

    /**
     * Every token of {@code userSubject} issued before {@code cutOff} is dead.
     *
     * @param type   {@link SecurityEventType#SESSION_REVOKED} (signed out everywhere, tokens revoked, password reset),
     *               {@link SecurityEventType#ACCOUNT_DISABLED} or {@link SecurityEventType#ACCOUNT_PURGED}
     * @param cutOff the server's cut-off ({@code tokensValidAfter}), a whole second
     */
    public void userRevoked(String tenantId, SecurityEventType type, String userSubject, Instant cutOff) {
        if (type != SecurityEventType.SESSION_REVOKED && type != SecurityEventType.ACCOUNT_DISABLED
                && type != SecurityEventType.ACCOUNT_PURGED) {
            throw new IllegalArgumentException("not an event about a user: " + type);
        }
        raise(SecurityEvent.userRevoked(tenantId, type, userSubject, cutOff, cutOff.plus(TokenSettings.MAX_TOKEN_TTL), clock.instant()));
    }

    /** The signing key {@code kid} was revoked: every token it signed is dead, whatever its {@code iat}. */
    public void signingKeyRevoked(String tenantId, String kid) {
        Instant now = clock.instant();
        Instant cutOff = SecurityEvent.ceilSecond(now);
        raise(SecurityEvent.opaque(tenantId, SecurityEventType.SIGNING_KEY_REVOKED, kid, cutOff,
                cutOff.plus(TokenSettings.MAX_TOKEN_TTL), now));
    }

    /** The client {@code clientId} was deleted: its tokens issued before the next whole second are dead. */
    public void clientDisabled(String tenantId, String clientId) {
        Instant now = clock.instant();
        Instant cutOff = SecurityEvent.ceilSecond(now);
        raise(SecurityEvent.opaque(tenantId, SecurityEventType.CLIENT_DISABLED, clientId, cutOff,
                cutOff.plus(TokenSettings.MAX_TOKEN_TTL), now));
    }

    private void raise(SecurityEvent event) {
        store.append(event);
        String tenantId = event.tenantId();
        database.afterCommit(() -> changes.publish(Change.securityEvents(tenantId)));
    }

    /**
     * A new stream of {@code clientId}; it starts with every event the tenant still retains. At the per-client limit,
     * the client's least recently polled stream makes room if it is no longer in use ({@link #STREAM_IN_USE_WINDOW}).
     *
     * @throws TooManyStreamsException when the client holds {@link SecurityEventSettings#maxStreamsPerClient} streams
     *                                 in use already
     * @throws IllegalArgumentException when the description is too long
     */
    public EventStream createStream(String tenantId, String clientId, String description) {
        Instant now = clock.instant();
        EventStream stream = new EventStream(UUID.randomUUID().toString(), tenantId, clientId, description, now, now);
        // The count and the insert are not atomic: two racing creations may pass one over the bound, which only
        // costs a row that the idle expiry removes; a lock per client would cost more than it protects.
        if (store.countStreams(tenantId, clientId) >= settings.maxStreamsPerClient()
                && !store.deleteLeastRecentlyPolledStream(tenantId, clientId,
                        now.minus(settings.pollMaxWait()).minus(STREAM_IN_USE_WINDOW))) {
            throw new TooManyStreamsException(settings.maxStreamsPerClient());
        }
        store.createStream(stream);
        return stream;
    }

    /** The stream {@code streamId} if it is {@code clientId}'s in {@code tenantId}; empty for another client's. */
    public Optional<EventStream> findStream(String tenantId, String clientId, String streamId) {
        if (streamId == null || streamId.length() > 36) {
            return Optional.empty();
        }
        return store.findStream(tenantId, streamId).filter(s -> s.clientId().equals(clientId));
    }

    /** Deletes {@code clientId}'s stream; whether there was one. */
    public boolean deleteStream(String tenantId, String clientId, String streamId) {
        return findStream(tenantId, clientId, streamId).isPresent() && store.deleteStream(tenantId, streamId);
    }

    /** Applies acknowledgements (unknown ids ignored) and records the poll (RFC 8936 §2.4.1). */
    public void acknowledge(EventStream stream, Collection<String> eventIds) {
        store.acknowledge(stream, eventIds);
        store.touchStream(stream.id(), clock.instant());
    }

    /** Up to {@code limit} unacknowledged events of the stream, in the order they were raised. */
    public List<SecurityEvent> pending(EventStream stream, int limit) {
        return store.pending(stream, limit);
    }
}
