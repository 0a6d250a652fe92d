package dev.identityservice.core.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.Jwts;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.user.User;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuthorizationCodeGrantTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private static Client publicClient(TestEngine t, Tenant tenant) {
        return t.save(Client.builder(tenant.id(), "spa").redirectUri(REDIRECT)
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN))
                .scopes(Set.of("openid", "profile"))
                .createdAt(t.clock.instant()).updatedAt(t.clock.instant()));
    }

    private static String code(TestEngine t, Tenant tenant, Client client, User user) {
        return t.engine.authorizationCodes().issue(tenant, client, user, REDIRECT, Set.of("openid", "profile"), "n-0S6_WzA2Mj",
                Pkce.challengeOf(VERIFIER), t.clock.instant(), null);
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void redeemWhenVerifierAndRedirectMatchThenTokensWithNonce(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);

            IssuedTokens tokens = t.token(tenant, spa, "grant_type", "authorization_code", "code", code(t, tenant, spa, alice),
                    "redirect_uri", REDIRECT, "code_verifier", VERIFIER);

            JWTClaimsSet id = Jwts.verify(t.engine.keys().keyRing("acme").jwksJson(), tokens.idToken());
            assertEquals("n-0S6_WzA2Mj", id.getClaim("nonce"));
            assertEquals(alice.id(), id.getSubject());
            assertNotNull(tokens.refreshToken());
        }
    }

    @Test
    void redeemWhenVerifierWrongOrMissingThenInvalidGrant() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);

            String wrong = code(t, tenant, spa, alice);
            assertEquals("invalid_grant", assertThrows(OAuthException.class, () -> t.token(tenant, spa,
                    "grant_type", "authorization_code", "code", wrong, "redirect_uri", REDIRECT,
                    "code_verifier", "x".repeat(43))).error().code());
            String missing = code(t, tenant, spa, alice);
            assertEquals("invalid_grant", assertThrows(OAuthException.class, () -> t.token(tenant, spa,
                    "grant_type", "authorization_code", "code", missing, "redirect_uri", REDIRECT)).error().code());
        }
    }

    @Test
    void redeemWhenRedirectUriDiffersThenInvalidGrant() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);

            String code = code(t, tenant, spa, alice);
            assertEquals("invalid_grant", assertThrows(OAuthException.class, () -> t.token(tenant, spa,
                    "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT + "/",
                    "code_verifier", VERIFIER)).error().code());
        }
    }

    @Test
    void redeemWhenCodeReplayedThenRefusedAndFirstIssuedTokensRevoked() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);
            String code = code(t, tenant, spa, alice);
            IssuedTokens first = t.token(tenant, spa, "grant_type", "authorization_code", "code", code,
                    "redirect_uri", REDIRECT, "code_verifier", VERIFIER);

            assertEquals("invalid_grant", assertThrows(OAuthException.class, () -> t.token(tenant, spa,
                    "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                    "code_verifier", VERIFIER)).error().code());

            assertThrows(OAuthException.class, () -> t.refresh(tenant, spa, first.refreshToken()),
                    "the refresh token of the first redemption is revoked");
            assertFalse(t.engine.introspector().introspect(tenant, first.accessToken(), null).active());
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void redeemWhenHybridCodeReplayedThenAccessTokenIssuedWithTheCodeRevokedToo(DatabaseKind kind) {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);
            String code = code(t, tenant, spa, alice);
            // What the authorization endpoint does for response_type=code token (OIDC Core §3.3.2.5).
            dev.identityservice.core.token.IssuedAccessToken frontChannel = t.engine.frontChannelTokens().issue(
                    new dev.identityservice.core.token.Authorization(tenant, spa, alice, Set.of("openid"), t.clock.instant(),
                            java.util.List.of("pwd"), null, null, dev.identityservice.core.token.ClaimsRequest.NONE),
                    dev.identityservice.core.client.ResponseType.parse("code token"), code).accessToken();
            t.engine.authorizationCodes().issuedWith(code, frontChannel);
            t.token(tenant, spa, "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "code_verifier", VERIFIER);
            assertTrue(t.engine.introspector().introspect(tenant, frontChannel.value(), null).active(), "active until a replay");

            assertThrows(OAuthException.class, () -> t.token(tenant, spa, "grant_type", "authorization_code", "code", code,
                    "redirect_uri", REDIRECT, "code_verifier", VERIFIER));

            assertFalse(t.engine.introspector().introspect(tenant, frontChannel.value(), null).active(),
                    "RFC 6749 §4.1.2: the token issued with the code is revoked by its replay");
        }
    }

    @Test
    void redeemWhenCodeExpiredThenInvalidGrant() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);
            String code = code(t, tenant, spa, alice);

            t.clock.advance(AuthorizationCodes.CODE_TTL.plus(Duration.ofSeconds(1)));

            assertThrows(OAuthException.class, () -> t.token(tenant, spa, "grant_type", "authorization_code",
                    "code", code, "redirect_uri", REDIRECT, "code_verifier", VERIFIER));
        }
    }

    @Test
    void issueWhenPublicClientSendsNoChallengeThenInvalidRequest() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client spa = publicClient(t, tenant);

            OAuthException error = assertThrows(OAuthException.class, () -> t.engine.authorizationCodes()
                    .issue(tenant, spa, alice, REDIRECT, Set.of("openid"), null, null, t.clock.instant(), null));
            assertEquals("invalid_request", error.error().code());
        }
    }

    @Test
    void redeemWhenConfidentialClientSendsVerifierForCodeWithoutChallengeThenRefused() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            User alice = t.user(tenant, "alice", "user");
            Client web = t.save(t.confidentialClient(tenant, "web"));
            String code = t.engine.authorizationCodes().issue(tenant, web, alice, REDIRECT, Set.of("openid"), null, null,
                    t.clock.instant(), null);

            assertThrows(OAuthException.class, () -> t.token(tenant, web, "grant_type", "authorization_code",
                    "code", code, "redirect_uri", REDIRECT, "code_verifier", VERIFIER));
            String second = t.engine.authorizationCodes().issue(tenant, web, alice, REDIRECT, Set.of("openid"), null, null,
                    t.clock.instant(), null);
            assertTrue(t.token(tenant, web, "grant_type", "authorization_code", "code", second, "redirect_uri", REDIRECT)
                    .accessToken().contains("."));
        }
    }
}
