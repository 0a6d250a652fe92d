package dev.identityservice.core.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.key.CompactJws;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.tenant.Tenant;
import java.text.ParseException;
import java.util.Optional;

/**
 * Checks an {@code id_token_hint} (OIDC RP-Initiated Logout 1.0 §2): an ID token this tenant signed
 * with a published key, issued to {@code clientId}. Its expiry is not checked: users log out long
 * after their ID token expired, and the hint only names who they are.
 */
public final class IdTokenHintValidator {

    private final KeyRingProvider keys;

    public IdTokenHintValidator(KeyRingProvider keys) {
        this.keys = keys;
    }

    /** The hint's claims if genuine and its {@code aud} contains {@code clientId}; empty otherwise. */
    public Optional<JWTClaimsSet> validate(Tenant tenant, String idTokenHint, String clientId) {
        if (idTokenHint == null || idTokenHint.length() > 16_384) {
            return Optional.empty();
        }
        try {
            CompactJws jwt = CompactJws.parse(idTokenHint);
            JOSEObjectType type = jwt.header().getType();
            if (type != null && !JOSEObjectType.JWT.equals(type)) {
                return Optional.empty();
            }
            if (!keys.keyRing(tenant.id()).verifies(jwt)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.claims();
            if (!tenant.issuer().toString().equals(claims.getIssuer()) || claims.getSubject() == null
                    || clientId == null || claims.getAudience() == null || !claims.getAudience().contains(clientId)) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
