package dev.identityservice.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.IssuedTokens;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoginSessionsTest {

    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void endWhenSessionHadIssuedTokensThenSessionGoneAndItsRefreshTokensRefused(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client web = t.save(t.confidentialClient(tenant, "web"));
            LoginSessions.StartedSession started = t.engine.sessions().start(tenant.id(), alice.id());
            assertNotEquals(started.cookieValue(), started.session().idHash());
            String code = t.engine.authorizationCodes().issue(tenant, web, alice, "https://app.example.com/callback",
                    Set.of("openid"), null, Pkce.challengeOf(VERIFIER), started.session().authTime(), started.session().idHash());
            IssuedTokens tokens = t.token(tenant, web, "grant_type", "authorization_code", "code", code,
                    "redirect_uri", "https://app.example.com/callback", "code_verifier", VERIFIER);
            IssuedTokens refreshed = t.refresh(tenant, web, tokens.refreshToken());
            IssuedTokens otherLogin = t.passwordLogin(tenant, web, "alice");

            LoginSession session = t.engine.sessions().find(tenant.id(), started.cookieValue()).orElseThrow();
            t.engine.sessions().end(session);

            assertTrue(t.engine.sessions().find(tenant.id(), started.cookieValue()).isEmpty());
            assertEquals("invalid_grant", assertThrows(OAuthException.class,
                    () -> t.refresh(tenant, web, refreshed.refreshToken())).error().code(),
                    "a refresh token rotated within the session is revoked with it");
            assertTrue(t.refresh(tenant, web, otherLogin.refreshToken()).accessToken().contains("."),
                    "tokens outside the session are untouched");
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void findWhenExpiredOrOtherTenantThenEmpty(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            t.tenant("other");
            var alice = t.user(tenant, "alice", "user");
            String cookie = t.engine.sessions().start(tenant.id(), alice.id()).cookieValue();

            assertTrue(t.engine.sessions().find("other", cookie).isEmpty());
            assertTrue(t.engine.sessions().find(tenant.id(), cookie).isPresent());
            t.clock.advance(LoginSessions.DEFAULT_SESSION_TTL.plus(Duration.ofSeconds(1)));
            assertTrue(t.engine.sessions().find(tenant.id(), cookie).isEmpty());
        }
    }
}
