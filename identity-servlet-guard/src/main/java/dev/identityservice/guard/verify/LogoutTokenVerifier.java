package dev.identityservice.guard.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.http.BoundedHttpClient;
import dev.identityservice.guard.jwks.CachingJwksSource;
import dev.identityservice.guard.jwks.IssuerDiscovery;
import dev.identityservice.guard.jwks.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 asks of a relying party, with the
 * keys of the issuer's JWKS (the same cache machinery as access tokens, no dependency on any identity server):
 *
 * <ol>
 *   <li>a JWS with an {@code alg} of the configured list (never {@code none} or HMAC), no key named by the token
 *       itself ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}), no {@code crit}, and {@code typ}
 *       {@code logout+jwt} (§2.4 explicit typing, so that an ID or access token is never taken for one);</li>
 *   <li>the signature, by a key of the issuer's JWKS;</li>
 *   <li>{@code iss} is the configured issuer; {@code aud} contains one of the relying party's client ids; {@code iat} not in the future and at most {@link #MAX_AGE} old, {@code exp}
 *       not passed (both with the clock skew); a {@code jti};</li>
 *   <li>{@code events} holds the member {@value #EVENT} with a JSON object value; {@code sid} or {@code sub}
 *       is present; there is no {@code nonce} (§2.6 step 6: a token with one is refused, so that an ID token
 *       cannot be replayed as a logout token);</li>
 *   <li>the {@code jti} was not seen from this issuer within {@link #MAX_AGE} plus the skew (replay, §2.6 step 8
 *       suggests it); the memory is bounded to {@link #MAX_REMEMBERED_JTIS} ids.</li>
 * </ol>
 * A refusal names the failed rule only once the signature verified.
 */
public final class LogoutTokenVerifier implements AutoCloseable {

    /** The member of {@code events} that makes a JWT a logout token (§2.4). */
    public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    /** The oldest {@code iat} accepted (besides the skew), and how long a {@code jti} is remembered. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** The most {@code jti}s remembered at once; past it the oldest are forgotten first. */
    public static final int MAX_REMEMBERED_JTIS = 100_000;

    private static final Set<String> TYPES = Set.of("logout+jwt", "application/logout+jwt");

    private final String issuer;
    private final Set<String> audiences;
    private final Map<String, JWSAlgorithm> algorithms = new HashMap<>();
    private final Duration skew;
    private final Clock clock;
    private final int maxTokenLength;
    private final CachingJwksSource keys;
    private final boolean ownsKeys;
    private final Cache<String, Boolean> seen;

    /**
     * A verifier for the issuer, algorithms, clock skew and clock of {@code config} (its audiences are those of
     * access tokens and play no part), with keys from {@code keys} (for instance the access-token verifier's).
     *
     * @param clientIds the relying party's client ids: a logout token's {@code aud} must name one
     * @throws IllegalArgumentException when {@code clientIds} is empty
     */
    public LogoutTokenVerifier(GuardConfig config, Set<String> clientIds, CachingJwksSource keys) {
        this(config, clientIds, keys, false);
    }

    private LogoutTokenVerifier(GuardConfig config, Set<String> clientIds, CachingJwksSource keys, boolean ownsKeys) {
        if (clientIds == null || clientIds.isEmpty() || clientIds.stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new IllegalArgumentException("client-id: the client id logout tokens are for is required");
        }
        this.issuer = config.issuer().toString();
        this.audiences = Set.copyOf(clientIds);
        for (JWSAlgorithm algorithm : config.algorithms()) {
            algorithms.put(algorithm.getName(), algorithm);
        }
        this.skew = config.clockSkew();
        this.clock = config.clock();
        this.maxTokenLength = config.maxTokenLength();
        this.keys = keys;
        this.ownsKeys = ownsKeys;
        this.seen = Caffeine.newBuilder().expireAfterWrite(MAX_AGE.plus(skew).plus(skew)).maximumSize(MAX_REMEMBERED_JTIS)
                .build();
    }

    /** A verifier with its own JWKS cache, from the issuer's discovery document or the configured {@code jwks_uri}. */
    public static LogoutTokenVerifier create(GuardConfig config, Set<String> clientIds) {
        BoundedHttpClient http = new BoundedHttpClient(config.http());
        CachingJwksSource keys = GuardTokenVerifier.jwksSource(config, http, new IssuerDiscovery(config.issuer(), http));
        LogoutTokenVerifier verifier = new LogoutTokenVerifier(config, clientIds, keys, true);
        keys.prefetch();
        return verifier;
    }

    /**
     * Verifies {@code token} and remembers its {@code jti}.
     *
     * @throws InvalidTokenException            the token is not a valid, fresh logout token for us (answer 400, §2.8)
     * @throws VerificationUnavailableException the issuer's keys cannot be had now (answer 503: the issuer retries)
     */
    public LogoutToken verify(String token) throws InvalidTokenException, VerificationUnavailableException {
        if (token == null || token.isEmpty() || token.length() > maxTokenLength) {
            throw InvalidTokenException.invalidRequest("missing or oversized logout_token");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw InvalidTokenException.invalidToken("malformed logout token");
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm algorithm = algorithms.get(header.getAlgorithm().getName());
        if (algorithm == null) {
            throw InvalidTokenException.invalidToken("algorithm not accepted");
        }
        if (header.getJWK() != null || header.getJWKURL() != null || header.getX509CertURL() != null
                || header.getX509CertChain() != null || header.getCriticalParams() != null) {
            throw InvalidTokenException.invalidToken("header names its own key or critical parameters");
        }
        JOSEObjectType type = header.getType();
        if (type == null || !TYPES.contains(type.getType().toLowerCase(java.util.Locale.ROOT))) {
            throw InvalidTokenException.invalidToken("not a logout token (typ)");
        }
        verifySignature(token, jwt, algorithm);
        // Only now may a description name a claim: the issuer vouches for this token.
        checkClaims(claims);
        if (seen.asMap().putIfAbsent(issuer + " " + claims.getJWTID(), Boolean.TRUE) != null) {
            throw InvalidTokenException.invalidToken("logout token replayed (jti seen before)");
        }
        return new LogoutToken(claims.getIssuer(), claims.getSubject(), stringClaim(claims, "sid"), claims.getJWTID(),
                claims.getIssueTime().toInstant());
    }

    private void verifySignature(String token, SignedJWT jwt, JWSAlgorithm algorithm)
            throws InvalidTokenException, VerificationUnavailableException {
        String kid = jwt.getHeader().getKeyID();
        VerificationKey chosen = null;
        for (VerificationKey candidate : keys.candidates(kid)) {
            if (candidate.fits(algorithm)) {
                chosen = candidate;
                break;
            }
        }
        int signingInputLength = token.lastIndexOf('.');
        byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
        // Strict decoding (canonical base64url, RFC 4648 §3.5), as for access tokens: one token, one spelling.
        byte[] signature = JwtTokenVerifier.base64Url(ascii, signingInputLength + 1, ascii.length);
        if (chosen == null || !chosen.verify(algorithm, ascii, signingInputLength, signature)) {
            throw InvalidTokenException.invalidToken("invalid signature");
        }
    }

    private void checkClaims(JWTClaimsSet claims) throws InvalidTokenException {
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            throw InvalidTokenException.invalidToken("wrong issuer");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || audience.stream().noneMatch(audiences::contains)) {
            throw InvalidTokenException.invalidToken("not for this client (aud)");
        }
        if (claims.getIssueTime() == null || claims.getIssueTime().toInstant().isAfter(now.plus(skew))
                || claims.getIssueTime().toInstant().isBefore(now.minus(MAX_AGE).minus(skew))) {
            throw InvalidTokenException.invalidToken("iat missing, in the future or too old");
        }
        if (claims.getExpirationTime() == null || !now.isBefore(claims.getExpirationTime().toInstant().plus(skew))) {
            throw InvalidTokenException.invalidToken("exp missing or passed");
        }
        if (claims.getJWTID() == null || claims.getJWTID().isEmpty()) {
            throw InvalidTokenException.invalidToken("jti missing");
        }
        Object events = claims.getClaim("events");
        if (!(events instanceof Map<?, ?> members) || !(members.get(EVENT) instanceof Map<?, ?>)) {
            throw InvalidTokenException.invalidToken("events lacks the back-channel logout event");
        }
        if (claims.getClaim("nonce") != null) {
            throw InvalidTokenException.invalidToken("a logout token must not carry a nonce");
        }
        String sid = stringClaim(claims, "sid");
        boolean hasSub = claims.getSubject() != null && !claims.getSubject().isEmpty();
        if ((sid == null || sid.isEmpty()) && !hasSub) {
            throw InvalidTokenException.invalidToken("neither sid nor sub");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) throws InvalidTokenException {
        Object value = claims.getClaim(name);
        if (value != null && !(value instanceof String)) {
            throw InvalidTokenException.invalidToken(name + " is not a string");
        }
        return (String) value;
    }

    /** Stops the JWKS cache's background work if this verifier created it. */
    @Override
    public void close() {
        if (ownsKeys) {
            keys.close();
        }
    }
}
