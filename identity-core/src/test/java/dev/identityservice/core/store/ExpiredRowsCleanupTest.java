package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.user.User;
import java.util.Set;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.refresh.RefreshPolicy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExpiredRowsCleanupTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void deleteExpiredWhenFamiliesEndedThenRowsGoneAndLiveOnesKept(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            t.passwordLogin(tenant, client, "alice");
            t.engine.sessions().start(tenant.id(), t.engine.users().findByUsername("acme", "alice").orElseThrow().id());

            t.clock.advance(RefreshPolicy.BoundToAccessToken.FAMILY_LIFETIME.plus(Duration.ofMinutes(1)));
            t.passwordLogin(tenant, client, "alice");

            int removed = t.engine.cleanup().deleteExpired();

            assertTrue(removed >= 2, "the old family and the old session are removed: " + removed);
            assertEquals(1, count(t, "refresh_tokens"), "the live family stays");
            assertEquals(0, count(t, "sessions"));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void deleteExpiredWhenBoundFamilysNewestAccessTokenExpiredThenFamilyGoneLongBeforeItsCap(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));
            var first = t.passwordLogin(tenant, client, "alice");
            t.clock.advance(Duration.ofMinutes(5));
            t.refresh(tenant, client, first.refreshToken());

            t.clock.advance(Duration.ofMinutes(6));
            assertEquals(0, t.engine.cleanup().deleteExpired(), "the newest access token is still valid: the family stays");
            assertEquals(2, count(t, "refresh_tokens"));

            t.clock.advance(Duration.ofMinutes(5));
            assertEquals(2, t.engine.cleanup().deleteExpired(), "bound policy: useless once its newest access token expired");
            assertEquals(0, count(t, "refresh_tokens"));
        }
    }

    /**
     * A redeemed code's only use is to recognise its replay, which revokes the family its redemption started
     * (RFC 6749 §4.1.2). While the client keeps that family alive by refreshing, the code must stay.
     */
    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void deleteExpiredWhenRedeemedCodesFamilyStillLiveThenCodeKeptAndItsReplayStillRevokes(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            String redirect = "https://app.example.com/callback";
            String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
            Client spa = t.save(Client.builder(tenant.id(), "spa").redirectUri(redirect)
                    .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)).scopes(Set.of("openid"))
                    .createdAt(t.clock.instant()).updatedAt(t.clock.instant()));
            String code = t.engine.authorizationCodes().issue(tenant, spa, alice, redirect, Set.of("openid"), null,
                    Pkce.challengeOf(verifier), t.clock.instant(), null);
            IssuedTokens tokens = t.token(tenant, spa, "grant_type", "authorization_code", "code", code,
                    "redirect_uri", redirect, "code_verifier", verifier);
            for (int i = 0; i < 16; i++) {
                t.clock.advance(Duration.ofMinutes(8));
                tokens = t.refresh(tenant, spa, tokens.refreshToken());
            }

            t.engine.cleanup().deleteExpired();
            assertThrows(OAuthException.class, () -> t.token(tenant, spa, "grant_type", "authorization_code",
                    "code", code, "redirect_uri", redirect, "code_verifier", verifier));

            String newest = tokens.refreshToken();
            assertThrows(OAuthException.class, () -> t.refresh(tenant, spa, newest),
                    "two hours on, the code's replay still revokes the family its redemption started");
        }
    }

    private static int count(TestEngine t, String table) throws Exception {
        try (Connection c = t.database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getInt(1);
        }
    }
}
