package dev.identityservice.core.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.Jwts;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.IssuedTokens;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TenantIsolationTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void tokensWhenTwoTenantsThenSeparateKeysIssuersAndNoCrossTenantUse(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant a = t.tenant("tenant-a");
            Tenant b = t.tenant("tenant-b");
            // The same usernames and client ids in both tenants: nothing may be confused.
            t.user(a, "alice", "user");
            t.user(b, "alice", "admin");
            Client clientA = t.save(t.confidentialClient(a, "web"));
            Client clientB = t.save(t.confidentialClient(b, "web"));

            IssuedTokens tokensA = t.passwordLogin(a, clientA, "alice");

            byte[] jwksA = t.engine.keys().keyRing("tenant-a").jwksJson();
            byte[] jwksB = t.engine.keys().keyRing("tenant-b").jwksJson();
            assertNotEquals(t.engine.keys().keyRing("tenant-a").active().kid(), t.engine.keys().keyRing("tenant-b").active().kid());
            JWTClaimsSet claims = Jwts.verify(jwksA, tokensA.accessToken());
            assertFalse(Jwts.verifies(jwksB, tokensA.accessToken()), "tenant B's keys do not verify tenant A's tokens");
            assertEquals("https://id.example.com/t/tenant-a", claims.getIssuer());
            assertEquals("tenant-a", claims.getClaim("tenant"), "several tenants: tokens name theirs");

            assertEquals("invalid_grant", assertThrows(OAuthException.class,
                    () -> t.refresh(b, clientB, tokensA.refreshToken())).error().code());
            assertFalse(t.engine.introspector().introspect(b, tokensA.accessToken(), null).active());
            assertFalse(t.engine.introspector().introspect(b, tokensA.refreshToken(), null).active());
            assertTrue(t.engine.introspector().introspect(a, tokensA.refreshToken(), null).active());

            var aliceA = t.engine.users().findByUsername("tenant-a", "alice").orElseThrow();
            String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
            String code = t.engine.authorizationCodes().issue(a, clientA, aliceA, "https://app.example.com/callback",
                    Set.of("openid"), null, Pkce.challengeOf(verifier), t.clock.instant(), null);
            assertEquals("invalid_grant", assertThrows(OAuthException.class, () -> t.token(b, clientB,
                    "grant_type", "authorization_code", "code", code, "redirect_uri", "https://app.example.com/callback",
                    "code_verifier", verifier)).error().code());
            assertTrue(t.token(a, clientA, "grant_type", "authorization_code", "code", code,
                    "redirect_uri", "https://app.example.com/callback", "code_verifier", verifier).accessToken().contains("."),
                    "the refused cross-tenant attempt did not burn the code");
        }
    }
}
