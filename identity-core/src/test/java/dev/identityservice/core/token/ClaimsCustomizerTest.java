package dev.identityservice.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.ClaimMapping;
import dev.identityservice.core.client.ClaimMapping.TokenType;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.Jwts;
import dev.identityservice.core.testing.TestEngine;
import org.junit.jupiter.api.Test;

class ClaimsCustomizerTest {

    @Test
    void issueWhenClientMapsAttributesThenClaimsAppearInTheChosenTokenOnly() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web")
                    .claimMapping(new ClaimMapping(TokenType.ACCESS, "department", "dept"))
                    .claimMapping(new ClaimMapping(TokenType.ACCESS, "email", "mail"))
                    .claimMapping(new ClaimMapping(TokenType.ID, "locale", "lang"))
                    .claimMapping(new ClaimMapping(TokenType.ACCESS, "missing_attribute", "absent")));

            IssuedTokens tokens = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "openid");

            byte[] jwks = t.engine.keys().keyRing("acme").jwksJson();
            JWTClaimsSet access = Jwts.verify(jwks, tokens.accessToken());
            JWTClaimsSet id = Jwts.verify(jwks, tokens.idToken());
            assertEquals("engineering", access.getClaim("dept"));
            assertEquals("alice@example.com", access.getClaim("mail"));
            assertNull(access.getClaim("lang"));
            assertNull(access.getClaim("absent"), "a missing attribute writes no claim");
            assertEquals("en", id.getClaim("lang"));
            assertNull(id.getClaim("dept"));
        }
    }

    @Test
    void claimMappingWhenTargetIsRegisteredClaimThenRefused() {
        for (String reserved : new String[] {"sub", "iss", "aud", "exp", "roles", "scope", "client_id"}) {
            assertThrows(IllegalArgumentException.class, () -> new ClaimMapping(TokenType.ACCESS, "department", reserved),
                    "mapping onto " + reserved + " would let an attribute forge identity or validity");
        }
    }
}
