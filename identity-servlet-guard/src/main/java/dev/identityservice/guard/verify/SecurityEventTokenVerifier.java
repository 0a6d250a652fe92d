package dev.identityservice.guard.verify;

import com.nimbusds.jose.JWSAlgorithm;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.jwks.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a Security Event Token (RFC 8417) from the issuer's stream, as strictly as an access token and with
 * the same cached keys:
 * <ol>
 *   <li>JWS compact, strict JSON (duplicate names refused); {@code alg} from the configured list; no key named by
 *       the token itself ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) and no {@code crit};
 *       {@code typ} {@code secevent+jwt} (RFC 8417 §2.3 explicit typing, so that no other JWT of the issuer is
 *       taken for an event);</li>
 *   <li>the signature, by a key of the issuer's JWKS ({@code kid} required);</li>
 *   <li>{@code iss} the configured issuer; {@code aud} names the receiver's client id; {@code iat} present and not
 *       in the future (with the clock skew); {@code jti} a non-empty string; {@code events} an object with exactly
 *       one member whose value is an object (our contract: one event per SET).</li>
 * </ol>
 * A refusal carries the RFC 8935 §2.3 error code the receiver reports in {@code setErrs}; it names the failed
 * claim only once the signature verified.
 */
public final class SecurityEventTokenVerifier {

    private static final Set<String> TYPES = Set.of("secevent+jwt", "application/secevent+jwt");
    private static final String[] SELF_NAMED_KEY_HEADERS = {"jwk", "jku", "x5u", "x5c", "crit"};

    private final String issuer;
    private final String audience;
    private final Map<String, JWSAlgorithm> algorithms = new HashMap<>();
    private final long skewMillis;
    private final Clock clock;
    private final int maxLength;
    private final CachingJwksSource keys;

    /**
     * A verified event: the SET's {@code jti}, its one event type and payload, and {@code sub_id}.
     *
     * @param jti     the event's id (stable across redeliveries)
     * @param type    the one member name of {@code events}
     * @param payload that member's value
     * @param subject the {@code sub_id} object (RFC 9493), or null if absent
     */
    public record SecurityEvent(String jti, String type, Map<String, Object> payload, Map<String, Object> subject) {
    }

    /** Why a SET was refused: an RFC 8935 §2.3 error code and a description safe to send back and log. */
    public static class RefusedException extends Exception {
        private final String err;

        public RefusedException(String err, String description) {
            super(description, null, false, false);
            this.err = err;
        }

        /** {@code invalid_request}, {@code invalid_key}, {@code invalid_issuer}, {@code invalid_audience} or {@code authentication_failed}. */
        public String err() {
            return err;
        }
    }

    /**
     * The SET names a key the guard's key set does not have, even after a refetch or because the refetch budget is
     * spent ({@code invalid_key}). Unlike the other refusals this one may pass: the issuer may have published the
     * key after the guard's last fetch. A SET reported in {@code setErrs} counts as delivered (RFC 8936 §2.4: the
     * transmitter does not send it again), so the receiver reports it only once a later fetch still lacks the key.
     */
    public static final class UnknownKeyException extends RefusedException {
        public UnknownKeyException() {
            super("invalid_key", "unknown key id");
        }
    }

    /**
     * The SET's {@code iat} is ahead of the guard's clock by more than the clock skew. The SET itself may be fine
     * and the guard's clock wrong: like {@link UnknownKeyException} it may pass, so the receiver leaves it
     * unacknowledged (and counts itself stale) rather than report it, which would lose the revocation for good.
     */
    public static final class IssuedInTheFutureException extends RefusedException {
        public IssuedInTheFutureException() {
            super("invalid_request", "iat in the future (is the guard's clock behind the issuer's?)");
        }
    }

    /**
     * @param config   issuer, algorithms, clock skew, clock and the longest token
     * @param audience the receiver's client id
     * @param keys     the issuer's keys (the access-token verifier's cache)
     */
    public SecurityEventTokenVerifier(GuardConfig config, String audience, CachingJwksSource keys) {
        this.issuer = config.issuer().toString();
        this.audience = audience;
        for (JWSAlgorithm algorithm : config.algorithms()) {
            algorithms.put(algorithm.getName(), algorithm);
        }
        this.skewMillis = config.clockSkew().toMillis();
        this.clock = config.clock();
        this.maxLength = Math.max(config.maxTokenLength(), 16_384);
        this.keys = keys;
    }

    /**
     * Verifies one SET.
     *
     * @throws RefusedException                 the SET is not acceptable; never apply it ({@link UnknownKeyException}
     *                                          and {@link IssuedInTheFutureException}: not yet)
     * @throws VerificationUnavailableException the issuer's keys cannot be had now; try again later
     */
    public SecurityEvent verify(String set) throws RefusedException, VerificationUnavailableException {
        if (set == null || set.length() > maxLength) {
            throw new RefusedException("invalid_request", "missing or oversized SET");
        }
        byte[] ascii = set.getBytes(StandardCharsets.ISO_8859_1);
        int first = set.indexOf('.');
        int second = first < 0 ? -1 : set.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || set.indexOf('.', second + 1) >= 0 || second == first + 1
                || second == set.length() - 1) {
            throw new RefusedException("invalid_request", "not a JWS compact serialization");
        }
        for (byte b : ascii) {
            if (b != '.' && (b < 0 || !isBase64Url(b))) {
                throw new RefusedException("invalid_request", "malformed SET");
            }
        }
        Map<String, Object> header;
        Map<String, Object> claims;
        byte[] signature;
        try {
            header = JwtTokenVerifier.json(ascii, 0, first, "header");
            claims = JwtTokenVerifier.json(ascii, first + 1, second, "payload");
            signature = JwtTokenVerifier.base64Url(ascii, second + 1, ascii.length);
        } catch (InvalidTokenException e) {
            throw new RefusedException("invalid_request", e.error().description());
        }
        JWSAlgorithm algorithm = header.get("alg") instanceof String name ? algorithms.get(name) : null;
        if (algorithm == null) {
            throw new RefusedException("invalid_key", "algorithm not accepted");
        }
        for (String name : SELF_NAMED_KEY_HEADERS) {
            if (header.containsKey(name)) {
                throw new RefusedException("invalid_request", "header " + name + " is not accepted");
            }
        }
        if (!(header.get("typ") instanceof String typ) || !TYPES.contains(typ.toLowerCase(java.util.Locale.ROOT))) {
            throw new RefusedException("invalid_request", "not a security event token (typ)");
        }
        if (!(header.get("kid") instanceof String kid) || kid.isEmpty()) {
            throw new RefusedException("invalid_key", "no key id");
        }
        VerificationKey key = null;
        try {
            for (VerificationKey candidate : keys.candidates(kid)) {
                if (candidate.fits(algorithm)) {
                    key = candidate;
                    break;
                }
            }
        } catch (InvalidTokenException e) {
            throw new UnknownKeyException();
        }
        if (key == null || !key.verify(algorithm, ascii, second, signature)) {
            throw new RefusedException("authentication_failed", "invalid signature");
        }
        // Only now may a description name a claim: the issuer vouches for this SET.
        return checkClaims(claims);
    }

    private SecurityEvent checkClaims(Map<String, Object> claims) throws RefusedException {
        if (!issuer.equals(claims.get("iss"))) {
            throw new RefusedException("invalid_issuer", "iss is not " + issuer);
        }
        Object aud = claims.get("aud");
        boolean forUs = audience.equals(aud) || (aud instanceof List<?> list && list.contains(audience));
        if (!forUs) {
            throw new RefusedException("invalid_audience", "aud does not name " + audience);
        }
        if (!(claims.get("iat") instanceof Number iat)) {
            throw new RefusedException("invalid_request", "iat missing");
        }
        if (iat.doubleValue() * 1000 > clock.millis() + skewMillis) {
            throw new IssuedInTheFutureException();
        }
        if (!(claims.get("jti") instanceof String jti) || jti.isEmpty()) {
            throw new RefusedException("invalid_request", "jti missing");
        }
        if (!(claims.get("events") instanceof Map<?, ?> events) || events.size() != 1) {
            throw new RefusedException("invalid_request", "events must hold exactly one event");
        }
        Map.Entry<?, ?> event = events.entrySet().iterator().next();
        if (!(event.getValue() instanceof Map<?, ?> payload)) {
            throw new RefusedException("invalid_request", "the event's payload is not an object");
        }
        Object subject = claims.get("sub_id");
        if (subject != null && !(subject instanceof Map<?, ?>)) {
            throw new RefusedException("invalid_request", "sub_id is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> payloadMap = (Map<String, Object>) payload;
        @SuppressWarnings("unchecked")
        Map<String, Object> subjectMap = (Map<String, Object>) subject;
        return new SecurityEvent(jti, (String) event.getKey(), payloadMap, subjectMap);
    }

    private static boolean isBase64Url(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_';
    }
}
