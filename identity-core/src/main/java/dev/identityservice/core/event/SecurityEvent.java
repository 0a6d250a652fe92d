package dev.identityservice.core.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One revocation the server made, as stored in a tenant's event log and delivered as a SET (RFC 8417).
 *
 * <p>The subject has one of four shapes (RFC 9493, SSF 1.0 §4), told by {@code subjectFormat}:
 * {@link #JWT_ID} ({@code subjectId} = the token's {@code jti}), {@link #ISS_SUB} ({@code userSubject}),
 * {@link #COMPLEX} (a session: {@code sessionId} = its {@code sid}, and {@code userSubject}) and {@link #OPAQUE}
 * ({@code subjectId} = a {@code kid} or a {@code client_id}). The issuer of a subject is always the tenant's.
 *
 * @param id             the event's id, the SET's {@code jti}: stable across redeliveries
 * @param sequence       the order in which events were raised (0 before it is stored)
 * @param eventTimestamp when the revocation takes effect, whole seconds: tokens whose {@code iat} is before it are dead
 * @param tokensExpireBy the latest {@code exp} any token the event affects can have
 * @param createdAt      when the event was stored; the retention counts from it
 */
public record SecurityEvent(String id, long sequence, String tenantId, SecurityEventType type, String subjectFormat,
                            String subjectId, String sessionId, String userSubject, Instant eventTimestamp,
                            Instant tokensExpireBy, Instant createdAt) {

    /** RFC 9493 §3.2.4: a JWT by its {@code iss} and {@code jti}. */
    public static final String JWT_ID = "jwt_id";
    /** RFC 9493 §3.2.5: a user by {@code iss} and {@code sub}. */
    public static final String ISS_SUB = "iss_sub";
    /** SSF 1.0 §4.1: a session of a user. */
    public static final String COMPLEX = "complex";
    /** RFC 9493 §3.2.6: a key id or a client id. */
    public static final String OPAQUE = "opaque";

    public SecurityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subjectFormat, "subjectFormat");
        Objects.requireNonNull(eventTimestamp, "eventTimestamp");
        Objects.requireNonNull(tokensExpireBy, "tokensExpireBy");
        Objects.requireNonNull(createdAt, "createdAt");
        switch (subjectFormat) {
            case JWT_ID, OPAQUE -> Objects.requireNonNull(subjectId, "subjectId");
            case ISS_SUB -> Objects.requireNonNull(userSubject, "userSubject");
            case COMPLEX -> {
                Objects.requireNonNull(sessionId, "sessionId");
                Objects.requireNonNull(userSubject, "userSubject");
            }
            default -> throw new IllegalArgumentException("unknown subject format: " + subjectFormat);
        }
    }

    /** Access token {@code jti} revoked; it expires at {@code expiresAt}. */
    static SecurityEvent accessTokenRevoked(String tenantId, String jti, Instant expiresAt, Instant now) {
        return new SecurityEvent(newId(), 0, tenantId, SecurityEventType.ACCESS_TOKEN_REVOKED, JWT_ID, jti, null, null,
                ceilSecond(now), expiresAt, now);
    }

    /** The session {@code sid} of {@code userSubject} ended: its tokens issued before {@code cutOff} are dead. */
    static SecurityEvent sessionRevoked(String tenantId, String sid, String userSubject, Instant cutOff, Instant expireBy, Instant now) {
        return new SecurityEvent(newId(), 0, tenantId, SecurityEventType.SESSION_REVOKED, COMPLEX, null, sid, userSubject,
                cutOff, expireBy, now);
    }

    /** Every token of {@code userSubject} issued before {@code cutOff} is dead, for the reason {@code type} names. */
    static SecurityEvent userRevoked(String tenantId, SecurityEventType type, String userSubject, Instant cutOff, Instant expireBy, Instant now) {
        return new SecurityEvent(newId(), 0, tenantId, type, ISS_SUB, null, null, userSubject, cutOff, expireBy, now);
    }

    /** A key ({@link SecurityEventType#SIGNING_KEY_REVOKED}) or a client ({@link SecurityEventType#CLIENT_DISABLED}). */
    static SecurityEvent opaque(String tenantId, SecurityEventType type, String id, Instant cutOff, Instant expireBy, Instant now) {
        return new SecurityEvent(newId(), 0, tenantId, type, OPAQUE, id, null, null, cutOff, expireBy, now);
    }

    /** The next whole second at or after {@code instant}: a NumericDate that loses nothing of it. */
    static Instant ceilSecond(Instant instant) {
        Instant truncated = instant.truncatedTo(ChronoUnit.SECONDS);
        return truncated.equals(instant) ? instant : truncated.plusSeconds(1);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
