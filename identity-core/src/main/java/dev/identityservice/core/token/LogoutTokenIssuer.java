package dev.identityservice.core.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/**
 * Issues logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4): a JWT signed like the client's ID tokens
 * (§2.4: "signed ... in the same way as ID Tokens"), that is with the tenant's key for the client's
 * {@code id_token_signed_response_alg} (RS256 by default, from the RS256 ID-token chain on an ES256 or EdDSA
 * tenant), with header {@code typ: logout+jwt} (§2.4, so that it cannot pass
 * for an ID token or an access token), {@code iss}, {@code aud} = the client id, {@code iat}, a short
 * {@code exp}, a fresh {@code jti}, {@code events} with the back-channel logout event, {@code sub} and
 * {@code sid}, and never a {@code nonce} (§2.4 forbids it, so that a logout token cannot be replayed as an ID
 * token).
 */
public final class LogoutTokenIssuer {

    /** The event member of the {@code events} claim (§2.4). */
    public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

    /** The {@code typ} header (§2.4). */
    public static final JOSEObjectType TYPE = new JOSEObjectType("logout+jwt");

    /** How long a logout token is valid: long enough for a retry to arrive, short enough to be useless later. */
    public static final Duration TOKEN_TTL = Duration.ofMinutes(2);

    private final KeyRingProvider keys;
    private final Clock clock;

    public LogoutTokenIssuer(KeyRingProvider keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A signed logout token telling {@code client} that the session {@code sid} of {@code subject} ended.
     *
     * @param client  the relying party; its {@link Client#idTokenAlgorithm()} picks the signing key
     * @param subject the {@code sub} of the ID tokens issued in the session (the user id)
     * @param sid     the session's {@code sid}, as in those ID tokens
     * @return the compact JWS
     * @throws IllegalStateException if the tenant holds no key for the client's ID-token algorithm (the admin API
     *                               and registration refuse such a client; an imported one, or a change of the
     *                               tenant's algorithm, can still leave one; its ID tokens fail the same way)
     */
    public String issue(Tenant tenant, Client client, String subject, String sid) {
        String clientId = client.clientId();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(tenant.issuer().toString())
                .audience(clientId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(TOKEN_TTL)))
                .jwtID(UUID.randomUUID().toString())
                .subject(subject)
                .claim("sid", sid)
                .claim("events", Map.of(EVENT, Map.of()))
                .build();
        KeyRing.Signer signer = keys.keyRing(tenant.id()).signer(client.idTokenAlgorithm()).orElseThrow(() ->
                new IllegalStateException("no " + client.idTokenAlgorithm() + " key for the client's ID tokens"));
        return AccessTokenIssuer.sign(signer, TYPE, claims);
    }
}
