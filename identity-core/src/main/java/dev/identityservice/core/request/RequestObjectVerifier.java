package dev.identityservice.core.request;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.replay.JtiReplayGuard;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies a request object (RFC 9101, OIDC Core §6.1) and turns it into the authorization request's parameters.
 *
 * <ul>
 *   <li><b>Unsigned</b> ({@code alg: none}) only when the client registered no {@code request_object_signing_alg}
 *       or registered {@code none}. OIDC Registration §2 makes "any algorithm" the default when none is
 *       registered, and the conformance suite's Basic plan sends unsigned objects to such clients. It is safe:
 *       an unsigned object carries no more authority than the same parameters in the query, and its contents go
 *       through the same validation (exact redirect URI, PKCE, scopes). A client that registered an algorithm
 *       gets only objects signed with it (OIDC Registration §2, OIDC Core §6.3.2).</li>
 *   <li><b>Signed</b> with one of {@link Client#REQUEST_OBJECT_SIGNING_ALGS} (never HMAC: the client secret is
 *       stored only as a hash), by a key of the client's {@code jwks} or {@code jwks_uri}. Keys named by the
 *       object itself ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}) are never used. A signed object must
 *       say {@code iss} = the client id and {@code aud} = our issuer (RFC 9101 §4 and §10.2, OIDC Core §6.1), so
 *       that an object signed for another server cannot be replayed here.</li>
 *   <li>{@code exp} and {@code nbf} are checked when present, with {@link #CLOCK_SKEW}. A signed object's
 *       {@code exp} is at most {@link #MAX_LIFETIME} ahead (RFC 9101 §10.8 asks for short-lived objects), and the
 *       object is accepted once: its {@code jti} (or, without one, the object itself) is remembered until
 *       {@code exp} ({@link JtiReplayGuard}), so that a captured object cannot start a second authorization. OIDC
 *       Core §6.1 makes {@code exp} optional, so a signed object without it is accepted too (the OIDF Dynamic OP
 *       plan's are so): it is remembered for {@link #MAX_LIFETIME} from its first use, and one whose {@code iat}
 *       is older than that is refused. An unsigned object carries no more than the query would, so it is neither
 *       bounded nor remembered.</li>
 *   <li><b>Encrypted</b> objects (JWE) are refused: no encryption key for clients is published.</li>
 *   <li>{@code client_id} and {@code response_type}, when the object holds them, must equal the query's (RFC 9101
 *       §6.3, OIDC Core §6.1); {@code request} and {@code request_uri} inside are refused (RFC 9101 §4).</li>
 * </ul>
 * Every refusal is {@code invalid_request_object} (RFC 9101 §7, OIDC Core §3.1.2.6); the reason is its description.
 */
public final class RequestObjectVerifier {

    /** Leeway for {@code exp} and {@code nbf} against the client's clock. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** The longest request object read; far above any real one, which holds a dozen short parameters. */
    public static final int MAX_REQUEST_OBJECT_CHARS = 32_768;
    /** The furthest ahead a signed request object's {@code exp} may be: 60 minutes (the FAPI 1.0 bound). */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(60);
    /** JWT claims that are not authorization request parameters (RFC 7519 §4.1). */
    private static final Set<String> JWT_CLAIMS = Set.of("iss", "aud", "exp", "nbf", "iat", "jti", "sub");

    private final ClientSignatures signatures;
    private final JtiReplayGuard replays;
    private final Clock clock;

    public RequestObjectVerifier(ClientKeySource keys, JtiReplayGuard replays, Clock clock) {
        this.signatures = new ClientSignatures(Objects.requireNonNull(keys, "keys"));
        this.replays = Objects.requireNonNull(replays, "replays");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The parameters of {@code requestObject}, sent by {@code client} to the tenant of {@code issuer}: each claim
     * as a parameter, strings as they are, numbers and booleans in their JSON form, objects (e.g. {@code claims})
     * as JSON text.
     *
     * @param queryParameters the parameters outside the object, for the {@code client_id}/{@code response_type} match
     * @throws OAuthException {@code invalid_request_object} when the object is refused
     */
    public Map<String, String> verify(URI issuer, Client client, String requestObject, Map<String, String> queryParameters) {
        if (requestObject.length() > MAX_REQUEST_OBJECT_CHARS) {
            throw invalid("The request object is too large");
        }
        JWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = JWTParser.parse(requestObject);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("The request object is not a JWT");
        }
        String registered = client.requestObjectSigningAlg();
        if (jwt instanceof EncryptedJWT) {
            throw invalid("Encrypted request objects are not supported");
        } else if (jwt instanceof PlainJWT) {
            if (registered != null && !"none".equals(registered)) {
                throw invalid("The client's request objects must be signed with " + registered);
            }
        } else if (jwt instanceof SignedJWT signed) {
            verifySignature(client, signed, registered);
            requireAddressedToUs(issuer, client, claims);
            requireBoundedLifetime(claims);
        }
        requireTimely(claims);
        Map<String, String> parameters = parameters(claims);
        for (String name : List.of("client_id", "response_type")) {
            String inside = parameters.get(name);
            String outside = queryParameters.get(name);
            if (inside != null && outside != null && !outside.isEmpty() && !inside.equals(outside)) {
                throw invalid(name + " in the request object differs from the request's");
            }
        }
        if (parameters.containsKey("request") || parameters.containsKey("request_uri")) {
            throw invalid("A request object must not hold request or request_uri");
        }
        // Last, so that only an object accepted in every other respect is remembered.
        if (jwt instanceof SignedJWT && !replays.firstUse(client.tenantId(), client.clientId(), JtiReplayGuard.Purpose.REQUEST_OBJECT,
                claims.getJWTID(), requestObject, rememberUntil(claims))) {
            throw invalid("The request object was used before (its jti is one-time)");
        }
        return parameters;
    }

    private void verifySignature(Client client, SignedJWT jwt, String registered) {
        JWSHeader header = jwt.getHeader();
        String alg = header.getAlgorithm().getName();
        if ("none".equals(registered) || (registered != null && !registered.equals(alg))) {
            throw invalid("The client's request objects must be " + ("none".equals(registered) ? "unsigned" : "signed with " + registered));
        }
        if (!Client.REQUEST_OBJECT_SIGNING_ALGS.contains(alg) || "none".equals(alg)) {
            throw invalid("Unsupported request object signing algorithm " + alg);
        }
        switch (signatures.verify(client.keys(), jwt)) {
            case VERIFIED -> { }
            case NO_KEYS -> throw invalid("The client has registered no keys to verify request objects with");
            case KEYS_UNAVAILABLE -> throw invalid("The client's jwks_uri could not be fetched");
            case BAD_SIGNATURE -> throw invalid("The request object's signature does not verify with the client's keys");
        }
    }

    private static void requireAddressedToUs(URI issuer, Client client, JWTClaimsSet claims) {
        if (!client.clientId().equals(claims.getIssuer())) {
            throw invalid("A signed request object's iss must be the client_id");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(issuer.toString())) {
            throw invalid("A signed request object's aud must be the issuer " + issuer);
        }
    }

    /**
     * A signed object expires at most {@link #MAX_LIFETIME} ahead; without {@code exp} (optional in OIDC Core
     * §6.1), its {@code iat}, when present, is at most that far behind.
     */
    private void requireBoundedLifetime(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            Date iat = claims.getIssueTime();
            if (iat != null && iat.toInstant().isBefore(clock.instant().minus(MAX_LIFETIME).minus(CLOCK_SKEW))) {
                throw invalid("A signed request object without exp must be issued (iat) within the last "
                        + MAX_LIFETIME.toMinutes() + " minutes");
            }
            return;
        }
        if (exp.toInstant().isAfter(clock.instant().plus(MAX_LIFETIME).plus(CLOCK_SKEW))) {
            throw invalid("A signed request object's exp must be at most " + MAX_LIFETIME.toMinutes() + " minutes ahead");
        }
    }

    /** Until when a signed object's one-time use is remembered: its {@code exp}, or {@link #MAX_LIFETIME} from now. */
    private Instant rememberUntil(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        return (exp == null ? clock.instant().plus(MAX_LIFETIME) : exp.toInstant()).plus(CLOCK_SKEW);
    }

    private void requireTimely(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp != null && !now.minus(CLOCK_SKEW).isBefore(exp.toInstant())) {
            throw invalid("The request object has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) {
            throw invalid("The request object is not valid yet");
        }
    }

    private static Map<String, String> parameters(JWTClaimsSet claims) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
            Object value = claim.getValue();
            if (JWT_CLAIMS.contains(claim.getKey()) || value == null) {
                continue;
            }
            parameters.put(claim.getKey(), value instanceof String s ? s : json(value));
        }
        return parameters;
    }

    /** A number, boolean, object or array claim as JSON text; Nimbus writes JSON only for whole objects. */
    private static String json(Object value) {
        String wrapped = JSONObjectUtils.toJSONString(Map.of("v", value));
        return wrapped.substring("{\"v\":".length(), wrapped.length() - 1);
    }

    private static OAuthException invalid(String description) {
        return new OAuthError("invalid_request_object", description, 400).exception();
    }
}
