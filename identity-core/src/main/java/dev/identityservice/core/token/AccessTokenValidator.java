package dev.identityservice.core.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.key.CompactJws;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.tenant.Tenant;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Checks a JWT access token that this server issued, for introspection, revocation and
 * {@code /userinfo}: signature by a published key of the tenant, {@code typ: at+jwt}, issuer, and time.
 * Revocation is checked by the callers that care.
 *
 * <p>The signature of a token seen lately is not verified again while its tenant's {@link KeyRing} is the one that
 * verified it: a client calls {@code /userinfo} and a resource server introspects with one token many times, and
 * the RSA verification and the JSON parsing are a sixth of such a request's CPU. The token is looked up by its
 * whole text, so a token whose signature or any other byte differs is verified in full; a key ring is immutable and
 * replaced whenever its keys change (rotation, revocation, another instance's change seen), so a token signed by a
 * revoked key is verified against the new ring and refused. Issuer and time are checked on every call.
 */
public final class AccessTokenValidator {

    /** The most memory the kept verifications take, in bytes: each weighs 4 bytes per character of its token
     *  (the token and its parsed claims, roughly as large again). */
    static final long VERIFIED_TOKENS_BYTES = 4L << 20;

    private final KeyRingProvider keys;
    private final Clock clock;
    private final Cache<String, Verified> verified = Caffeine.newBuilder()
            .maximumWeight(VERIFIED_TOKENS_BYTES).weigher((String token, Verified verification) -> 4 * token.length()).build();

    /** The claims of a token whose signature and {@code typ} {@code ring} verified. */
    private record Verified(KeyRing ring, JWTClaimsSet claims) {
    }

    public AccessTokenValidator(KeyRingProvider keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The claims of a genuine, unexpired access token of {@code tenant}; empty for anything else. */
    public Optional<JWTClaimsSet> validate(Tenant tenant, String token) {
        if (token == null || token.length() > 16_384) {
            return Optional.empty();
        }
        KeyRing ring = keys.keyRing(tenant.id());
        Verified known = verified.getIfPresent(token);
        if (known != null && known.ring() == ring) {
            return current(tenant, known.claims());
        }
        try {
            CompactJws jws = CompactJws.parse(token);
            if (!AccessTokenIssuer.AT_JWT.equals(jws.header().getType())) {
                return Optional.empty();
            }
            if (!ring.verifies(jws)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jws.claims();
            verified.put(token, new Verified(ring, claims));
            return current(tenant, claims);
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The claims of a token whose signature and {@code typ} the caller has verified already (the admin guard),
     * if they are {@code tenant}'s and current: issuer, {@code exp} and {@code nbf} against this server's clock,
     * exactly as {@link #validate} checks them after the signature. No signature is checked here.
     */
    public Optional<JWTClaimsSet> current(Tenant tenant, JWTClaimsSet claims) {
        Instant now = clock.instant();
        if (!tenant.issuer().toString().equals(claims.getIssuer()) || claims.getExpirationTime() == null
                || !now.isBefore(claims.getExpirationTime().toInstant()) || notYetValid(claims.getNotBeforeTime(), now)) {
            return Optional.empty();
        }
        return Optional.of(claims);
    }

    private static boolean notYetValid(Date notBefore, Instant now) {
        return notBefore != null && now.isBefore(notBefore.toInstant());
    }
}
