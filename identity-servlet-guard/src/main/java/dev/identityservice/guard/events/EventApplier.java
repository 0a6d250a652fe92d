package dev.identityservice.guard.events;

import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.RefusedException;
import dev.identityservice.guard.verify.SecurityEventTokenVerifier.SecurityEvent;
import java.time.Instant;
import java.util.Map;

/**
 * Turns a verified security event into deny-list entries, per the table of the wire contract: {@code jti}; {@code
 * sid}, {@code sub} or {@code client_id} with {@code iat} before {@code event_timestamp}; {@code kid}, whose key
 * also leaves the key set at once. Entries last until {@code tokens_expire_by} plus the clock skew (the guard
 * accepts a token until {@code exp} plus the skew). Idempotent: a redelivered event changes nothing.
 */
final class EventApplier {

    /** What became of an event. */
    enum Result {
        /** Its entry is in the deny-list (or no token it names can still be accepted). */
        APPLIED,
        /** A type the guard does not act on. */
        IGNORED,
        /** The deny-list is full: not applied, not to be acknowledged. */
        FULL
    }

    private final String issuer;
    private final DenyList deny;
    private final CachingJwksSource keys;
    private final long skewMillis;

    EventApplier(String issuer, DenyList deny, CachingJwksSource keys, long skewMillis) {
        this.issuer = issuer;
        this.deny = deny;
        this.keys = keys;
        this.skewMillis = skewMillis;
    }

    Result apply(SecurityEvent event, long nowMillis) throws RefusedException {
        String type = event.type();
        boolean known = switch (type) {
            case EventTypes.ACCESS_TOKEN_REVOKED, EventTypes.SESSION_REVOKED, EventTypes.ACCOUNT_DISABLED,
                    EventTypes.ACCOUNT_PURGED, EventTypes.SIGNING_KEY_REVOKED, EventTypes.CLIENT_DISABLED -> true;
            default -> false;
        };
        if (!known) {
            return Result.IGNORED;
        }
        Map<String, Object> payload = event.payload();
        long cutoff = seconds(payload, "event_timestamp");
        long keepUntil = Math.multiplyExact(seconds(payload, "tokens_expire_by"), 1000L) + skewMillis;
        Map<String, Object> subject = event.subject();
        if (subject == null) {
            throw new RefusedException("invalid_request", "sub_id missing");
        }
        String format = string(subject, "format");
        if (type.equals(EventTypes.SIGNING_KEY_REVOKED)) {
            String kid = opaque(subject, format);
            // The key leaves the key set whatever the tokens' expiry: a compromised key signs new tokens too.
            keys.revoke(kid, Instant.ofEpochMilli(keepUntil));
            return keepUntil <= nowMillis || deny.denyKey(kid, keepUntil) ? Result.APPLIED : Result.FULL;
        }
        if (keepUntil <= nowMillis) {
            return Result.APPLIED; // every token it names has expired
        }
        boolean stored = switch (type) {
            case EventTypes.ACCESS_TOKEN_REVOKED -> {
                if (!"jwt_id".equals(format)) {
                    throw new RefusedException("invalid_request", "access-token-revoked needs a jwt_id subject");
                }
                ourIssuer(subject);
                yield deny.denyJti(string(subject, "jti"), keepUntil);
            }
            case EventTypes.SESSION_REVOKED -> {
                if ("complex".equals(format) && subject.get("session") instanceof Map<?, ?> session) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> sessionId = (Map<String, Object>) session;
                    yield deny.denySession(string(sessionId, "id"), cutoff, keepUntil);
                }
                yield deny.denySubject(user(subject, format), cutoff, keepUntil);
            }
            case EventTypes.CLIENT_DISABLED -> deny.denyClient(opaque(subject, format), cutoff, keepUntil);
            default -> deny.denySubject(user(subject, format), cutoff, keepUntil);
        };
        return stored ? Result.APPLIED : Result.FULL;
    }

    private String user(Map<String, Object> subject, String format) throws RefusedException {
        if (!"iss_sub".equals(format)) {
            throw new RefusedException("invalid_request", "expected an iss_sub subject, not " + format);
        }
        ourIssuer(subject);
        return string(subject, "sub");
    }

    private static String opaque(Map<String, Object> subject, String format) throws RefusedException {
        if (!"opaque".equals(format)) {
            throw new RefusedException("invalid_request", "expected an opaque subject, not " + format);
        }
        return string(subject, "id");
    }

    private void ourIssuer(Map<String, Object> subject) throws RefusedException {
        if (!issuer.equals(subject.get("iss"))) {
            throw new RefusedException("invalid_request", "the subject's iss is not " + issuer);
        }
    }

    private static String string(Map<String, Object> map, String name) throws RefusedException {
        if (map.get(name) instanceof String value && !value.isEmpty()) {
            return value;
        }
        throw new RefusedException("invalid_request", name + " missing or not a string");
    }

    private static long seconds(Map<String, Object> payload, String name) throws RefusedException {
        Object value = payload.get(name);
        if (value instanceof Long seconds && Math.abs(seconds) < 100_000_000_000L) {
            return seconds;
        }
        if (value instanceof Double seconds && Math.abs(seconds) < 1e11) {
            return (long) Math.floor(seconds);
        }
        throw new RefusedException("invalid_request", name + " missing or not a NumericDate");
    }
}
