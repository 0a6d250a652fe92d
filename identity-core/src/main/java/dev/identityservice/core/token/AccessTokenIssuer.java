package dev.identityservice.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.key.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Issues access tokens: RFC 9068 JWTs ({@code typ: at+jwt}) signed by the tenant's ACTIVE key, or
 * opaque handles for clients configured so, resolved later by introspection (RFC 7662).
 *
 * <p>A JWT carries {@code acr} when the client asked for it (RFC 9068 §2.2.1), and, when the OIDC Core §5.5
 * {@code claims} parameter asked {@code /userinfo} for individual claims, their names in
 * {@value #USERINFO_CLAIMS}, so that the UserInfo endpoint can answer them later without server-side state.
 */
public final class AccessTokenIssuer {

    /** RFC 9068 §2.1: the media type of JWT access tokens. */
    public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    /** The private claim that names the claims requested for {@code /userinfo} (an array of claim names). */
    public static final String USERINFO_CLAIMS = "userinfo_claims";

    private final KeyRingProvider keys;
    private final AccessTokenStore store;
    private final Clock clock;
    private final BooleanSupplier multiTenant;

    /** @param multiTenant whether several tenants exist, in which case tokens carry a {@code tenant} claim */
    public AccessTokenIssuer(KeyRingProvider keys, AccessTokenStore store, Clock clock, BooleanSupplier multiTenant) {
        this.keys = keys;
        this.store = store;
        this.clock = clock;
        this.multiTenant = multiTenant;
    }

    public IssuedAccessToken issue(Authorization authorization) {
        Client client = authorization.client();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(client.tokenSettings().accessTokenTtl());
        String jti = OpaqueTokens.newJti();
        if (client.tokenSettings().accessTokenFormat() == AccessTokenFormat.OPAQUE) {
            return issueOpaque(authorization, jti, now, expiresAt);
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(authorization.tenant().issuer().toString())
                .subject(authorization.subject())
                .audience(audience(client))
                .expirationTime(Date.from(expiresAt))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .jwtID(jti)
                .claim("client_id", client.clientId())
                .claim("scope", authorization.scopeString());
        if (authorization.user() != null) {
            claims.claim("roles", List.copyOf(authorization.user().roles().stream().sorted().toList()))
                    .claim("auth_time", authorization.authTime().getEpochSecond())
                    .claim("amr", authorization.amr());
            if (authorization.acrRequested()) {
                claims.claim("acr", AuthenticationContext.ACR_PASSWORD);
            }
            if (!authorization.claims().userinfo().isEmpty()) {
                claims.claim(USERINFO_CLAIMS, List.copyOf(authorization.claims().userinfoNames()));
            }
        }
        if (authorization.sessionId() != null) {
            // The login session's sid, as in the ID token: a resource server told by back-channel logout that the
            // session ended (OIDC Back-Channel Logout 1.0 §2.7) can refuse the session's access tokens.
            claims.claim("sid", LoginSession.sidOf(authorization.sessionId()));
        }
        if (multiTenant.getAsBoolean()) {
            claims.claim("tenant", authorization.tenant().id());
        }
        ClaimsCustomizer.apply(authorization, ClaimMapping.TokenType.ACCESS, claims);
        return new IssuedAccessToken(sign(keys.keyRing(authorization.tenant().id()), AT_JWT, claims.build()), jti, now, expiresAt);
    }

    private IssuedAccessToken issueOpaque(Authorization authorization, String jti, Instant now, Instant expiresAt) {
        String token = OpaqueTokens.generate();
        var user = authorization.user();
        store.saveOpaque(new AccessTokenStore.OpaqueAccessToken(OpaqueTokens.hash(token), authorization.tenant().id(), jti,
                authorization.client().clientId(), authorization.subject(), user == null ? null : user.id(),
                user == null ? null : user.username(), authorization.scopeString(),
                user == null ? "" : String.join(" ", user.roles().stream().sorted().toList()),
                audience(authorization.client()), now, expiresAt,
                String.join(" ", authorization.claims().userinfoNames())));
        return new IssuedAccessToken(token, jti, now, expiresAt);
    }

    static String audience(Client client) {
        String configured = client.tokenSettings().audience();
        return configured == null ? client.clientId() : configured;
    }

    /** Signs {@code claims} with the ring's ACTIVE key, naming it in {@code kid}. */
    static String sign(KeyRing ring, JOSEObjectType type, JWTClaimsSet claims) {
        return sign(new KeyRing.Signer(ring.active(), ring.activeSigner()), type, claims);
    }

    /** Signs {@code claims} with {@code signer}'s key, naming it in {@code kid}. */
    static String sign(KeyRing.Signer signer, JOSEObjectType type, JWTClaimsSet claims) {
        SigningKey key = signer.key();
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jwsAlgorithm()).type(type).keyID(key.kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return jwt.serialize();
    }
}
