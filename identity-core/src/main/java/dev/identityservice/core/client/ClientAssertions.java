package dev.identityservice.core.client;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.replay.JtiReplayGuard;
import dev.identityservice.core.request.ClientSignatures;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2 and §3, OIDC Core §9): the client sends
 * {@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer} and a {@code client_assertion}
 * JWT it signed with a key of its registered {@code jwks} or {@code jwks_uri}.
 *
 * <ul>
 *   <li>Only a client registered with {@code token_endpoint_auth_method=private_key_jwt} authenticates this way.</li>
 *   <li>{@code iss} and {@code sub} are its client id; {@code aud} names one of the accepted audiences (the
 *       issuer or this tenant's token endpoint, RFC 7523 §3 item 3); a {@code client_id} in the form must match.</li>
 *   <li>Signed with an asymmetric algorithm of {@link #SIGNING_ALGS} ({@code none} and HMAC never pass);
 *       keys named by the assertion itself are ignored ({@link ClientSignatures}).</li>
 *   <li>{@code exp} required, not past (60 s leeway) and at most {@link #MAX_LIFETIME} ahead; {@code nbf} not in
 *       the future; {@code jti} required and accepted once until {@code exp} ({@link JtiReplayGuard}, RFC 7523 §3
 *       item 7), so that a captured assertion cannot be used again.</li>
 * </ul>
 * Every refusal is {@link ClientAuthenticator#FAILED} ({@code invalid_client}, RFC 6749 §5.2): the reason is not told.
 */
public final class ClientAssertions {

    /** RFC 7523 §2.2's {@code client_assertion_type}. */
    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** The algorithms a client assertion may be signed with (advertised as {@code token_endpoint_auth_signing_alg_values_supported}). */
    public static final Set<String> SIGNING_ALGS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
            "ES384", "ES512", "EdDSA");
    /** The furthest ahead an assertion's {@code exp} may be. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(60);
    /** Leeway for {@code exp} and {@code nbf} against the client's clock. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** The longest assertion read. */
    public static final int MAX_ASSERTION_CHARS = 16_384;

    private final ClientStore clients;
    private final ClientSignatures signatures;
    private final JtiReplayGuard replays;
    private final Clock clock;

    public ClientAssertions(ClientStore clients, ClientSignatures signatures, JtiReplayGuard replays, Clock clock) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.signatures = Objects.requireNonNull(signatures, "signatures");
        this.replays = Objects.requireNonNull(replays, "replays");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The algorithms sorted, for discovery. */
    public static Collection<String> signingAlgorithms() {
        return new TreeSet<>(SIGNING_ALGS);
    }

    /**
     * The client that {@code assertion} authenticates.
     *
     * @param formClientId the form's {@code client_id}, or {@code null}
     * @param audiences    the {@code aud} values accepted (the issuer, the tenant's token and PAR endpoint URLs)
     * @throws OAuthException {@code invalid_client} (401) when it does not
     */
    public Client authenticate(String tenantId, String assertion, String formClientId, Set<String> audiences) {
        if (assertion == null || assertion.length() > MAX_ASSERTION_CHARS) {
            throw ClientAuthenticator.FAILED.exception();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw ClientAuthenticator.FAILED.exception();
        }
        String clientId = claims.getIssuer();
        if (clientId == null || !clientId.equals(claims.getSubject()) || (formClientId != null && !formClientId.equals(clientId))) {
            throw ClientAuthenticator.FAILED.exception();
        }
        Optional<Client> found = clients.find(tenantId, clientId);
        if (found.isEmpty() || found.get().tokenEndpointAuthMethod() != ClientCredentials.Method.PRIVATE_KEY_JWT
                || !SIGNING_ALGS.contains(jwt.getHeader().getAlgorithm().getName())) {
            throw ClientAuthenticator.FAILED.exception();
        }
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(audiences::contains)) {
            throw ClientAuthenticator.FAILED.exception();
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        if (exp == null || !now.minus(CLOCK_SKEW).isBefore(exp.toInstant()) || exp.toInstant().isAfter(now.plus(MAX_LIFETIME).plus(CLOCK_SKEW))
                || (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) || claims.getJWTID() == null) {
            throw ClientAuthenticator.FAILED.exception();
        }
        Client client = found.get();
        if (signatures.verify(client.keys(), jwt) != ClientSignatures.Outcome.VERIFIED) {
            throw ClientAuthenticator.FAILED.exception();
        }
        // Last, so that only a valid assertion spends its jti.
        if (!replays.firstUse(tenantId, clientId, JtiReplayGuard.Purpose.CLIENT_ASSERTION, claims.getJWTID(), assertion,
                exp.toInstant().plus(CLOCK_SKEW))) {
            throw ClientAuthenticator.FAILED.exception();
        }
        return client;
    }
}
