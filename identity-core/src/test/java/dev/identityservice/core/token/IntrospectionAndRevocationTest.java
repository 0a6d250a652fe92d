package dev.identityservice.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IntrospectionAndRevocationTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void introspectWhenJwtAccessTokenRevokedThenInactive(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.passwordLogin(tenant, client, "alice");

            Introspection active = t.engine.introspector().introspect(tenant, tokens.accessToken(), null);
            assertTrue(active.active());
            Map<String, Object> m = active.members();
            assertEquals(alice.id(), m.get("sub"));
            assertEquals("alice", m.get("username"));
            assertEquals("web", m.get("client_id"));
            assertEquals("Bearer", m.get("token_type"));
            assertEquals(List.of("user"), m.get("roles"));
            assertEquals(tenant.issuer().toString(), m.get("iss"));

            t.engine.revoker().revoke(tenant, client, tokens.accessToken(), "access_token");

            Introspection revoked = t.engine.introspector().introspect(tenant, tokens.accessToken(), null);
            assertFalse(revoked.active());
            assertEquals(Map.of("active", false), revoked.members(), "an inactive token reveals nothing else");
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void introspectWhenOpaqueAccessTokenThenResolvedUntilExpiryOrRevocation(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user", "admin");
            Client client = t.save(t.confidentialClient(tenant, "legacy")
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenFormat(AccessTokenFormat.OPAQUE)));
            IssuedTokens tokens = t.passwordLogin(tenant, client, "alice");

            assertFalse(tokens.accessToken().contains("."), "an opaque handle, not a JWT");
            Introspection active = t.engine.introspector().introspect(tenant, tokens.accessToken(), "access_token");
            assertTrue(active.active());
            assertEquals(List.of("admin", "user"), active.members().get("roles"));

            IssuedTokens second = t.passwordLogin(tenant, client, "alice");
            t.engine.revoker().revoke(tenant, client, second.accessToken(), null);
            assertFalse(t.engine.introspector().introspect(tenant, second.accessToken(), null).active());

            t.clock.advance(Duration.ofMinutes(10));
            assertFalse(t.engine.introspector().introspect(tenant, tokens.accessToken(), null).active());
        }
    }

    /**
     * Deleting a client is how an operator cuts off a leaked client: none of the tokens issued to it may stay
     * active, JWT or opaque, its own (client credentials) or a user's, access or refresh, nor come back when a
     * client of the same id is registered again.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void introspectWhenClientDeletedThenItsTokensInactive(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client jwtClient = t.save(t.confidentialClient(tenant, "svc"));
            Client opaqueClient = t.save(t.confidentialClient(tenant, "legacy")
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenFormat(AccessTokenFormat.OPAQUE)));
            List<String> tokens = new java.util.ArrayList<>();
            for (Client client : List.of(jwtClient, opaqueClient)) {
                tokens.add(t.token(tenant, client, "grant_type", "client_credentials").accessToken());
                IssuedTokens user = t.passwordLogin(tenant, client, "alice");
                tokens.add(user.accessToken());
                tokens.add(user.refreshToken());
            }
            tokens.forEach(token -> assertTrue(t.engine.introspector().introspect(tenant, token, null).active()));

            assertTrue(t.engine.clients().delete(tenant.id(), "svc"));
            assertTrue(t.engine.clients().delete(tenant.id(), "legacy"));

            tokens.forEach(token -> assertFalse(t.engine.introspector().introspect(tenant, token, null).active(),
                    "a token of a deleted client: " + token.substring(0, 12)));
            t.clock.advance(Duration.ofSeconds(1));
            t.save(t.confidentialClient(tenant, "svc"));
            assertFalse(t.engine.introspector().introspect(tenant, tokens.get(0), null).active(),
                    "a token of the deleted client is not revived by a new client of the same id");
        }
    }

    @Test
    void introspectWhenRefreshTokenThenActiveUntilRotated() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.passwordLogin(tenant, client, "alice");

            assertTrue(t.engine.introspector().introspect(tenant, tokens.refreshToken(), "refresh_token").active());
            t.refresh(tenant, client, tokens.refreshToken());
            assertFalse(t.engine.introspector().introspect(tenant, tokens.refreshToken(), "refresh_token").active());
        }
    }

    @Test
    void introspectWhenIdTokenOrGarbageThenInactive() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "openid");

            assertFalse(t.engine.introspector().introspect(tenant, tokens.idToken(), null).active(),
                    "an ID token is not an access token");
            assertFalse(t.engine.introspector().introspect(tenant, "not.a.token", null).active());
            assertFalse(t.engine.introspector().introspect(tenant, "x".repeat(100_000), null).active());
            String[] parts = tokens.accessToken().split("\\.");
            String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
            assertFalse(t.engine.introspector().introspect(tenant, tampered, null).active());
        }
    }

    @Test
    void revokeWhenRefreshTokenRevokedThenFamilyAndItsAccessTokenInactive() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.passwordLogin(tenant, client, "alice");

            t.engine.revoker().revoke(tenant, client, tokens.refreshToken(), "refresh_token");

            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, tokens.refreshToken()));
            assertFalse(t.engine.introspector().introspect(tenant, tokens.accessToken(), null).active());
        }
    }

    @Test
    void revokeWhenTokenOfAnotherClientThenRefusedAndTokenKept() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client web = t.save(t.confidentialClient(tenant, "web"));
            Client other = t.save(t.confidentialClient(tenant, "other"));
            IssuedTokens tokens = t.passwordLogin(tenant, web, "alice");

            assertEquals("unauthorized_client", assertThrows(OAuthException.class,
                    () -> t.engine.revoker().revoke(tenant, other, tokens.refreshToken(), null)).error().code());
            assertTrue(t.engine.introspector().introspect(tenant, tokens.refreshToken(), null).active());
        }
    }

    @Test
    void revokeWhenTokenUnknownThenNoError() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            Client web = t.save(t.confidentialClient(tenant, "web"));

            t.engine.revoker().revoke(tenant, web, OpaqueTokens.generate(), null);
            t.engine.revoker().revoke(tenant, web, "a.b.c", null);
            assertEquals("invalid_request", assertThrows(OAuthException.class,
                    () -> t.engine.revoker().revoke(tenant, web, "", null)).error().code());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void revokeAllOfUserWhenCalledThenEveryTokenOfTheUserInactiveAndOthersKept(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            t.user(tenant, "bob", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens a1 = t.passwordLogin(tenant, client, "alice");
            IssuedTokens a2 = t.passwordLogin(tenant, client, "alice");
            IssuedTokens b = t.passwordLogin(tenant, client, "bob");

            t.clock.advance(Duration.ofSeconds(1));
            t.engine.revoker().revokeAllOfUser(tenant.id(), alice.id());

            for (IssuedTokens tokens : List.of(a1, a2)) {
                assertFalse(t.engine.introspector().introspect(tenant, tokens.accessToken(), null).active());
                assertThrows(OAuthException.class, () -> t.refresh(tenant, client, tokens.refreshToken()));
            }
            assertTrue(t.engine.introspector().introspect(tenant, b.accessToken(), null).active());
            t.clock.advance(Duration.ofSeconds(1));
            IssuedTokens again = t.passwordLogin(tenant, client, "alice");
            assertTrue(t.engine.introspector().introspect(tenant, again.accessToken(), null).active(),
                    "a login after the revocation works");
        }
    }

    /**
     * After "revoke every token" (and so after an admin's password reset), a login in the same wall-clock second
     * gets live tokens: the cut-off is the next whole second and the revocation answers only once the clock has
     * reached it (here the engine's clock, which the test engine's wait advances). Regression: the cut-off had
     * microseconds and a JWT's {@code iat} whole seconds, so such a token looked older and was refused for its
     * whole lifetime.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void introspectWhenLoginInTheSameSecondAfterRevokeAllThenActive(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            t.clock.advance(Duration.ofMillis(300));
            t.engine.revoker().revokeAllOfUser(tenant.id(), alice.id());

            t.clock.advance(Duration.ofMillis(200));
            IssuedTokens after = t.passwordLogin(tenant, client, "alice");

            assertTrue(t.engine.introspector().introspect(tenant, after.accessToken(), null).active(),
                    "a login after the revocation works, even within the same second");
            assertTrue(t.engine.introspector().introspect(tenant, after.refreshToken(), null).active());
            assertTrue(t.engine.introspector().introspect(tenant,
                    t.refresh(tenant, client, after.refreshToken()).accessToken(), null).active());
        }
    }

    /** The other side of the whole-second cut-off: a token issued earlier in the revocation's second stays dead. */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void introspectWhenLoginInTheSameSecondBeforeRevokeAllThenInactive(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            Client opaque = t.save(t.confidentialClient(tenant, "legacy")
                    .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenFormat(AccessTokenFormat.OPAQUE)));
            t.clock.advance(Duration.ofMillis(100));
            IssuedTokens jwt = t.passwordLogin(tenant, client, "alice");
            IssuedTokens handle = t.passwordLogin(tenant, opaque, "alice");
            t.clock.advance(Duration.ofMillis(800));
            t.engine.revoker().revokeAllOfUser(tenant.id(), alice.id());

            assertEquals(java.time.Instant.parse("2026-03-01T10:00:01Z"), t.clock.instant(), "answered at the cut-off");
            for (IssuedTokens tokens : List.of(jwt, handle)) {
                assertFalse(t.engine.introspector().introspect(tenant, tokens.accessToken(), null).active());
                assertFalse(t.engine.introspector().introspect(tenant, tokens.refreshToken(), null).active());
            }
        }
    }

    /**
     * A login racing the revocation (its tokens issued after the revocation's writes, before its answer, in the
     * cut-off's second) gets dead tokens, and its refresh token is refused by the grant as by introspection:
     * it cannot be turned into tokens issued after the cut-off.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhenLoginRacedRevokeAllThenRefusedAndInactive(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            t.clock.advance(Duration.ofMillis(400));
            IssuedTokens[] racing = new IssuedTokens[1];
            t.duringRevocationWait = () -> racing[0] = t.passwordLogin(tenant, client, "alice");
            t.engine.revoker().revokeAllOfUser(tenant.id(), alice.id());
            t.duringRevocationWait = () -> { };

            assertFalse(t.engine.introspector().introspect(tenant, racing[0].accessToken(), null).active());
            assertFalse(t.engine.introspector().introspect(tenant, racing[0].refreshToken(), null).active());
            assertEquals("invalid_grant", assertThrows(OAuthException.class,
                    () -> t.refresh(tenant, client, racing[0].refreshToken())).error().code());
            IssuedTokens after = t.passwordLogin(tenant, client, "alice");
            assertTrue(t.engine.introspector().introspect(tenant, after.accessToken(), null).active());
        }
    }
}
