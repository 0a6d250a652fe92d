package dev.identityservice.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.key.CompactJws;
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
 */
public final class AccessTokenValidator {

    private final KeyRingProvider keys;
    private final Clock clock;

    public AccessTokenValidator(KeyRingProvider keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The claims of a genuine, unexpired access token of {@code tenant}; empty for anything else. */
    public Optional<JWTClaimsSet> validate(Tenant tenant, String token) {
        if (token == null || token.length() > 16_384) {
            return Optional.empty();
        }
        try {
            CompactJws jws = CompactJws.parse(token);
            if (!AccessTokenIssuer.AT_JWT.equals(jws.header().getType())) {
                return Optional.empty();
            }
            if (!keys.keyRing(tenant.id()).verifies(jws)) {
                return Optional.empty();
            }
            return current(tenant, jws.claims());
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
