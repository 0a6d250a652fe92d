package dev.identityservice.core.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.Jwts;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.token.refresh.RefreshTokenService;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RefreshTokenGrantTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhenValidThenNewPairOldRefreshRefusedOldAccessStillVerifies(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens first = t.passwordLogin(tenant, client, "alice");

            t.clock.advance(Duration.ofMinutes(5));
            IssuedTokens second = t.refresh(tenant, client, first.refreshToken());

            assertNotEquals(first.accessToken(), second.accessToken());
            assertNotEquals(first.refreshToken(), second.refreshToken());
            byte[] jwks = t.engine.keys().keyRing("acme").jwksJson();
            JWTClaimsSet oldAccess = Jwts.verify(jwks, first.accessToken());
            assertTrue(oldAccess.getExpirationTime().toInstant().isAfter(t.clock.instant()),
                    "the old access token keeps working until it expires");
            JWTClaimsSet newAccess = Jwts.verify(jwks, second.accessToken());
            assertEquals(List.of("user"), newAccess.getStringListClaim("roles"));
            assertEquals(oldAccess.getLongClaim("auth_time"), newAccess.getLongClaim("auth_time"), "a refresh is not a new login");

            OAuthException reused = assertThrows(OAuthException.class, () -> t.refresh(tenant, client, first.refreshToken()));
            assertEquals("invalid_grant", reused.error().code());
        }
    }

    @Test
    void refreshWhenAccessTokenExpiredThenRefusedUnderDefaultPolicy() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.passwordLogin(tenant, client, "alice");

            t.clock.advance(Duration.ofMinutes(10));

            assertEquals("invalid_grant", assertThrows(OAuthException.class,
                    () -> t.refresh(tenant, client, tokens.refreshToken())).error().code());
        }
    }

    @Test
    void refreshWhenAccessTokenExpiredThenAcceptedUnderSlidingUntilTtlAndCap() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "mobile").tokenSettings(TokenSettings.DEFAULTS
                    .withRefreshPolicy(new RefreshPolicy.Sliding(Duration.ofDays(1), Duration.ofDays(3)))));
            IssuedTokens tokens = t.passwordLogin(tenant, client, "alice");

            t.clock.advance(Duration.ofHours(20));
            IssuedTokens renewed = t.refresh(tenant, client, tokens.refreshToken());
            t.clock.advance(Duration.ofHours(20));
            IssuedTokens renewedAgain = t.refresh(tenant, client, renewed.refreshToken());
            assertNotNull(renewedAgain.accessToken(), "each refresh renews the sliding window");

            t.clock.advance(Duration.ofHours(25));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, renewedAgain.refreshToken()),
                    "unused for longer than the ttl");

            IssuedTokens late = t.passwordLogin(tenant, client, "alice");
            IssuedTokens chain = late;
            for (int i = 0; i < 3; i++) {
                t.clock.advance(Duration.ofHours(23));
                chain = t.refresh(tenant, client, chain.refreshToken());
            }
            IssuedTokens last = chain;
            t.clock.advance(Duration.ofHours(4));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, last.refreshToken()),
                    "the family never outlives its absolute maximum of 3 days");
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhenRotatedTokenReplayedThenWholeFamilyRevoked(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens stolen = t.passwordLogin(tenant, client, "alice");
            IssuedTokens legitimate = t.refresh(tenant, client, stolen.refreshToken());

            t.clock.advance(Duration.ofMinutes(1));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, stolen.refreshToken()));

            assertEquals(1, t.reuseDetected.get());
            assertEquals("invalid_grant", assertThrows(OAuthException.class,
                    () -> t.refresh(tenant, client, legitimate.refreshToken())).error().code(),
                    "the newest token of the family is revoked too");
            assertFalse(t.engine.introspector().introspect(tenant, legitimate.accessToken(), null).active(),
                    "access tokens of the family are revoked for introspection");
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhen50ThreadsRaceWithOneTokenThenExactlyOneSucceedsAndWithoutGraceTheFamilyIsRevoked(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens winner = race50(t, tenant, client);
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, winner.refreshToken()), "grace 0: a simultaneous second use revokes the family, the winner's token too");
            assertTrue(t.reuseOutcomes.contains(RefreshTokenService.ReuseOutcome.FAMILY_REVOKED), t.reuseOutcomes.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhen50ThreadsRaceWithOneTokenUnderAGraceThenExactlyOneSucceedsAndTheFamilyIsKept(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client withGrace = t.save(t.confidentialClient(tenant, "web")
                    .tokenSettings(TokenSettings.DEFAULTS.withRefreshReuseGrace(Duration.ofSeconds(2))));
            IssuedTokens winner = race50(t, tenant, withGrace);
            assertNotNull(t.refresh(tenant, withGrace, winner.refreshToken()).accessToken(),
                    "under a grace the winner's new token stays usable");
            assertFalse(t.reuseOutcomes.contains(RefreshTokenService.ReuseOutcome.FAMILY_REVOKED), t.reuseOutcomes.toString());
        }
    }

    /** 50 threads refresh one token at once: exactly one wins, every other gets {@code invalid_grant}. */
    private static IssuedTokens race50(TestEngine t, Tenant tenant, Client client) throws Exception {
        {
            String refreshToken = t.passwordLogin(tenant, client, "alice").refreshToken();

            int threads = 50;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<IssuedTokens>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return t.refresh(tenant, client, refreshToken);
                }));
            }
            start.countDown();
            List<IssuedTokens> winners = new ArrayList<>();
            int refused = 0;
            for (Future<IssuedTokens> result : results) {
                try {
                    winners.add(result.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof OAuthException, "a loser gets an OAuth error, not " + e.getCause());
                    assertEquals("invalid_grant", ((OAuthException) e.getCause()).error().code());
                    refused++;
                }
            }
            pool.shutdown();

            assertEquals(1, winners.size());
            assertEquals(threads - 1, refused);
            return winners.get(0);
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhenRotatedTokenReplayedHalfASecondLaterUnderDefaultGraceThenFamilyRevoked(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens first = t.passwordLogin(tenant, client, "alice");
            IssuedTokens second = t.refresh(tenant, client, first.refreshToken());

            t.clock.advance(Duration.ofMillis(500));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, first.refreshToken()));

            assertEquals(List.of(RefreshTokenService.ReuseOutcome.FAMILY_REVOKED), t.reuseOutcomes);
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, second.refreshToken()),
                    "grace 0 (the default): even a reuse half a second later revokes the family");
        }
    }

    @Test
    void refreshWhenRotatedTokenComesBackAtTheInstantOfItsRotationUnderAGraceThenRefusedFamilyKeptAndCountedAsConcurrent() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web")
                    .tokenSettings(TokenSettings.DEFAULTS.withRefreshReuseGrace(Duration.ofSeconds(2))));
            IssuedTokens first = t.passwordLogin(tenant, client, "alice");
            IssuedTokens second = t.refresh(tenant, client, first.refreshToken());

            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, first.refreshToken()));

            assertEquals(List.of(RefreshTokenService.ReuseOutcome.CONCURRENT), t.reuseOutcomes,
                    "a lost race is a second use of one token: refused and counted, never silent");
            assertNotNull(t.refresh(tenant, client, second.refreshToken()).accessToken(), "the family is kept");
        }
    }

    /**
     * Two instances share one database and their clocks differ by a second (or NTP steps one back): the rotation
     * is stamped by the clock that is ahead, the replay judged by the one behind. A replay after the rotation
     * committed is no race, whatever the clocks say.
     */
    @Test
    void refreshWhenReplayJudgedByAClockBehindTheRotationsThenFamilyRevokedAndCounted() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens first = t.passwordLogin(tenant, client, "alice");
            IssuedTokens second = t.refresh(tenant, client, first.refreshToken());

            t.clock.advance(Duration.ofSeconds(-1));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, first.refreshToken()));

            assertEquals(List.of(RefreshTokenService.ReuseOutcome.FAMILY_REVOKED), t.reuseOutcomes,
                    "a reuse after the rotation committed is detected under grace 0 even on a clock behind");
            assertThrows(OAuthException.class, () -> t.refresh(tenant, client, second.refreshToken()));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhenRotatedTokenReusedWithinConfiguredGraceThenRefusedWithoutRevokingFamily(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client withGrace = t.save(t.confidentialClient(tenant, "web")
                    .tokenSettings(TokenSettings.DEFAULTS.withRefreshReuseGrace(Duration.ofSeconds(2))));
            IssuedTokens first = t.passwordLogin(tenant, withGrace, "alice");
            IssuedTokens second = t.refresh(tenant, withGrace, first.refreshToken());

            t.clock.advance(Duration.ofMillis(500));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, withGrace, first.refreshToken()));

            assertEquals(List.of(RefreshTokenService.ReuseOutcome.WITHIN_GRACE), t.reuseOutcomes);
            IssuedTokens third = t.refresh(tenant, withGrace, second.refreshToken());
            assertNotNull(third.accessToken(), "the family is intact");

            t.clock.advance(Duration.ofSeconds(2));
            assertThrows(OAuthException.class, () -> t.refresh(tenant, withGrace, first.refreshToken()));
            assertEquals(RefreshTokenService.ReuseOutcome.FAMILY_REVOKED, t.reuseOutcomes.get(1), "past the grace it is a replay");
            assertThrows(OAuthException.class, () -> t.refresh(tenant, withGrace, third.refreshToken()));
        }
    }

    @Test
    void refreshWhenTokenBelongsToAnotherClientThenRefused() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client web = t.save(t.confidentialClient(tenant, "web"));
            Client other = t.save(t.confidentialClient(tenant, "other"));
            IssuedTokens tokens = t.passwordLogin(tenant, web, "alice");

            assertEquals("invalid_grant", assertThrows(OAuthException.class,
                    () -> t.refresh(tenant, other, tokens.refreshToken())).error().code());
            assertNotNull(t.refresh(tenant, web, tokens.refreshToken()).accessToken(), "the owner's token is untouched");
        }
    }

    @Test
    void refreshWhenScopeNarrowedThenNarrowerAndWideningRefused() throws Exception {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "api profile");

            assertEquals("invalid_scope", assertThrows(OAuthException.class, () -> t.token(tenant, client,
                    "grant_type", "refresh_token", "refresh_token", tokens.refreshToken(), "scope", "api email")).error().code());
            IssuedTokens narrowed = t.token(tenant, client, "grant_type", "refresh_token",
                    "refresh_token", tokens.refreshToken(), "scope", "api");
            assertEquals("api", narrowed.scope());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void refreshWhenNarrowedThenRefreshedWithoutScopeThenOriginalScopeAndIdTokenBack(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            IssuedTokens tokens = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "openid api profile");
            assertNotNull(tokens.idToken());

            IssuedTokens narrowed = t.token(tenant, client, "grant_type", "refresh_token",
                    "refresh_token", tokens.refreshToken(), "scope", "api");
            assertEquals("api", narrowed.scope(), "the access token issued now is narrowed");
            assertEquals(null, narrowed.idToken(), "no openid in the narrowed request, no ID token now");
            assertEquals("api", com.nimbusds.jwt.SignedJWT.parse(narrowed.accessToken()).getJWTClaimsSet().getStringClaim("scope"));

            IssuedTokens again = t.token(tenant, client, "grant_type", "refresh_token", "refresh_token", narrowed.refreshToken());
            assertEquals(Set.of("openid", "api", "profile"), Set.of(again.scope().split(" ")),
                    "the rotated refresh token kept the scope of the grant (RFC 6749 §6)");
            assertNotNull(again.idToken(), "openid was granted, so the ID token comes back");
        }
    }
}
