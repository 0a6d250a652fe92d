package dev.identityservice.guard.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens shaped like Keycloak's: typ JWT, azp, realm_access and resource_access roles, aud with "account". */
class KeycloakShapedTokenTest {
    static final TestKey KEY = TestKey.rsa("kc-rs256");
    static FakeIssuer issuer;
    final MutableClock clock = MutableClock.atFixedStart();

    @BeforeAll
    static void start() {
        issuer = FakeIssuer.start(KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        issuer.close();
    }

    String keycloakToken() {
        return TestTokens.accessToken(issuer.url(), "orders-api", KEY, clock)
                .header("typ", "JWT")
                .withoutClaim("client_id").withoutClaim("roles")
                .claim("aud", List.of("orders-api", "account"))
                .claim("typ", "Bearer")
                .claim("azp", "orders-web")
                .claim("preferred_username", "alice")
                .claim("scope", "openid profile email")
                .claim("realm_access", Map.of("roles", List.of("offline_access", "user")))
                .claim("resource_access", Map.of("orders-web", Map.of("roles", List.of("order-admin")),
                        "account", Map.of("roles", List.of("manage-account"))))
                .sign();
    }

    GuardTokenVerifier verifier(boolean acceptPlainJwt) {
        return GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url()).audience("orders-api").clock(clock)
                .acceptPlainJwt(acceptPlainJwt)
                .rolesClaims("realm_access.roles", "resource_access.orders-web.roles")
                .rolePrefix("ROLE_").build());
    }

    @Test
    void verifyWhenConfiguredForKeycloakThenRolesFromBothPlacesWithPrefix() throws Exception {
        try (GuardTokenVerifier verifier = verifier(true)) {
            VerifiedToken token = verifier.verify(keycloakToken());
            assertEquals(Set.of("ROLE_offline_access", "ROLE_user", "ROLE_order-admin"), token.roles());
            assertEquals("orders-web", token.clientId());
            assertEquals(Set.of("openid", "profile", "email"), token.scopes());
            assertEquals("alice", token.claim("preferred_username"));
        }
    }

    @Test
    void verifyWhenPlainJwtNotAcceptedThenKeycloakTokenRejected() {
        try (GuardTokenVerifier verifier = verifier(false)) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(keycloakToken()));
            assertEquals("token type not accepted", e.error().description());
        }
    }

    @Test
    void verifyWhenRealmAccessIsNotAnObjectThenRejected() {
        try (GuardTokenVerifier verifier = verifier(true)) {
            String token = TestTokens.accessToken(issuer.url(), "orders-api", KEY, clock).header("typ", "JWT")
                    .claim("realm_access", List.of("admin")).sign();
            assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        }
    }
}
