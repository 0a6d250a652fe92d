package dev.identityservice.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A token verified once is not verified again while its tenant's keys stay as they were: these tests check that
 * what the validator keeps never answers for a token it should refuse.
 */
class AccessTokenValidatorTest {

    @Test
    void validateWhenSignatureAlteredAfterTheGenuineTokenWasVerifiedThenRefused() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            String token = t.passwordLogin(tenant, client, "alice").accessToken();
            AccessTokenValidator validator = t.engine.accessTokenValidator();
            assertTrue(validator.validate(tenant, token).isPresent());

            // A character inside the signature: the last one also carries padding bits a decoder may ignore.
            int inside = token.length() - 8;
            String forged = token.substring(0, inside) + (token.charAt(inside) == 'A' ? 'g' : 'A') + token.substring(inside + 1);
            assertTrue(validator.validate(tenant, forged).isEmpty(), "another signature is verified, not looked up");
            assertTrue(validator.validate(tenant, token + " ").isEmpty());
            assertTrue(validator.validate(tenant, token).isPresent());
        }
    }

    @Test
    void validateWhenItsKeyRevokedAfterItWasVerifiedThenRefused() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            KeyRing before = t.engine.keys().keyRing(tenant.id());
            String token = t.passwordLogin(tenant, client, "alice").accessToken();
            AccessTokenValidator validator = t.engine.accessTokenValidator();
            assertTrue(validator.validate(tenant, token).isPresent());

            t.engine.keys().revoke(tenant.id(), before.active().kid());

            assertTrue(validator.validate(tenant, token).isEmpty(), "signed by a revoked key");
        }
    }

    @Test
    void validateWhenVerifiedEarlierThenTimeAndIssuerStillCheckedOnEveryCall() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            Tenant other = t.tenant("other");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            String token = t.passwordLogin(tenant, client, "alice").accessToken();
            AccessTokenValidator validator = t.engine.accessTokenValidator();
            assertEquals(tenant.issuer().toString(), validator.validate(tenant, token).orElseThrow().getIssuer());

            assertTrue(validator.validate(other, token).isEmpty(), "another tenant's keys and issuer");
            t.clock.advance(Duration.ofHours(2));
            assertTrue(validator.validate(tenant, token).isEmpty(), "expired since it was verified");
        }
    }
}
