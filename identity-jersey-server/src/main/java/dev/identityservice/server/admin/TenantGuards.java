package dev.identityservice.server.admin;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.AccessTokenIssuer;
import dev.identityservice.core.token.TokenIntrospector;
import dev.identityservice.core.user.User;
import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.jwks.FetchedJwks;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin token verifier: one guard ({@link GuardTokenVerifier}) per tenant, trusting exactly that
 * tenant's issuer, the admin audiences and the keys of its current {@link KeyRing}, fed in-process (no HTTP
 * call to ourselves).
 *
 * <p>A guard is compiled from one key ring and replaced as soon as the tenant's ring changes (the rotator
 * swaps in a new instance on every key change, checked by identity): a rotation is visible at once, and a
 * rotated-and-revoked key stops verifying at once instead of living on in a JWKS cache for its lifetime.
 * The token's own (unverified) {@code iss} only chooses which tenant's guard checks it; that guard then
 * demands the exact issuer, its signature and audience. Whether that tenant is the one being administered
 * is {@link AdminGuard}'s check.
 */
final class TenantGuards implements TokenVerifier {

    private final IdentityEngine engine;
    private final Set<String> audiences;
    private final Map<String, Compiled> guards = new ConcurrentHashMap<>();

    TenantGuards(IdentityEngine engine, Set<String> audiences) {
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("admin.audience: at least one audience is required");
        }
        this.engine = engine;
        this.audiences = Set.copyOf(audiences);
    }

    /**
     * Verifies the token as the tenant's guard does (its signature checked there, once), then checks that it is
     * still live, in the one place that decides it for userinfo and introspection too
     * ({@link TokenIntrospector#activeAccessToken(Tenant, JWTClaimsSet)}, which takes the claims the guard has
     * verified instead of verifying the signature again): its {@code jti} not revoked, its user present, enabled
     * and not revoked since it was issued. The roles the answer carries are the user's roles in the store now,
     * not those the token was issued with, so a demoted admin is refused at once.
     *
     * @throws InvalidTokenException when the token is not genuine, or no longer live
     */
    @Override
    public VerifiedToken verify(String token) throws InvalidTokenException, VerificationUnavailableException {
        JWT jwt = parse(token);
        JWTClaimsSet claims = claimsOf(jwt);
        Tenant tenant = tenantNamedBy(claims.getIssuer());
        VerifiedToken verified = guardOf(tenant).verify(token);
        // The guard accepts any spelling RFC 9068 allows; the server issues exactly at+jwt, and checked exactly that.
        if (!AccessTokenIssuer.AT_JWT.equals(jwt.getHeader().getType()) || !(jwt instanceof SignedJWT)) {
            throw InvalidTokenException.invalidToken("the token was revoked or its user disabled");
        }
        TokenIntrospector.ResolvedAccessToken live = engine.introspector().activeAccessToken(tenant, claims)
                .orElseThrow(() -> InvalidTokenException.invalidToken("the token was revoked or its user disabled"));
        User user = live.user();
        if (user == null) {
            return verified;
        }
        return new VerifiedToken(verified.subject(), verified.issuer(), verified.audience(), verified.clientId(),
                verified.expiresAt(), user.roles(), verified.scopes(), verified.claims());
    }

    /**
     * Whether a verified token of {@code issuer} may administer {@code tenant}: a token of that tenant, or of
     * the default tenant, whose administrators manage every tenant (so that a tenant created through the API
     * can be given clients and users before it has an administrator of its own). A tenant's own administrators
     * never reach another tenant.
     */
    boolean administers(String issuer, Tenant tenant) {
        if (tenant.issuer().toString().equals(issuer)) {
            return true;
        }
        return engine.tenant(Tenant.DEFAULT_ID).map(root -> root.issuer().toString().equals(issuer)).orElse(false);
    }

    /** The guard for {@code tenant} as its keys are now; compiled again after any key change. */
    GuardTokenVerifier guardOf(Tenant tenant) {
        KeyRing ring = engine.keys().keyRing(tenant.id());
        // An old guard is not closed: a request may still hold it, and its idle fetch thread ends by itself.
        return guards.compute(tenant.id(), (id, current) ->
                current != null && current.ring == ring && current.tenant.equals(tenant) ? current : compile(tenant, ring)).verifier;
    }

    private Compiled compile(Tenant tenant, KeyRing ring) {
        byte[] jwks = ring.jwksJson();
        GuardConfig config = GuardConfig.builder()
                .issuer(tenant.issuer().toString())
                .audience(audiences.toArray(String[]::new))
                .rolesClaims(AdminGuard.ROLES_CLAIM)
                .realm(AdminGuard.REALM)
                .jwksFetcher(() -> {
                    try {
                        return FetchedJwks.of(JWKSet.parse(new String(jwks, StandardCharsets.UTF_8)));
                    } catch (ParseException e) {
                        throw new IOException("the tenant's JWKS does not parse", e);
                    }
                })
                .build();
        return new Compiled(tenant, ring, GuardTokenVerifier.create(config));
    }

    private static JWT parse(String token) throws InvalidTokenException {
        try {
            return JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw InvalidTokenException.invalidToken("malformed token");
        }
    }

    private static JWTClaimsSet claimsOf(JWT jwt) throws InvalidTokenException {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw InvalidTokenException.invalidToken("malformed token");
        }
    }

    private Tenant tenantNamedBy(String issuer) throws InvalidTokenException {
        if (issuer != null) {
            List<Tenant> tenants = engine.tenants();
            for (Tenant tenant : tenants) {
                if (tenant.issuer().toString().equals(issuer)) {
                    return tenant;
                }
            }
        }
        throw InvalidTokenException.invalidToken("issuer not accepted");
    }

    private record Compiled(Tenant tenant, KeyRing ring, GuardTokenVerifier verifier) {
    }
}
