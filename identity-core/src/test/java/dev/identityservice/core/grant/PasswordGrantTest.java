package dev.identityservice.core.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.Jwts;
import dev.identityservice.core.testing.TestEngine;
import dev.identityservice.core.token.IssuedTokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PasswordGrantTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void passwordGrantWhenCredentialsValidThenAccessTokenVerifiesWithJwksAloneAndCarriesRoles(DatabaseKind kind) throws Exception {
        try (TestEngine t = TestEngine.on(kind)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user", "admin");
            Client client = t.save(t.confidentialClient(tenant, "web"));

            IssuedTokens tokens = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "api");

            byte[] jwks = t.engine.keys().keyRing("acme").jwksJson();
            JWTClaimsSet claims = Jwts.verify(jwks, tokens.accessToken());
            SignedJWT jwt = SignedJWT.parse(tokens.accessToken());
            assertEquals("at+jwt", jwt.getHeader().getType().getType());
            assertNotNull(jwt.getHeader().getKeyID());
            assertEquals("https://id.example.com/t/acme", claims.getIssuer());
            assertEquals(alice.id(), claims.getSubject());
            assertEquals(List.of("web"), claims.getAudience());
            assertEquals(List.of("admin", "user"), claims.getStringListClaim("roles"));
            assertEquals("web", claims.getStringClaim("client_id"));
            assertEquals("api", claims.getStringClaim("scope"));
            assertEquals(List.of("pwd"), claims.getStringListClaim("amr"));
            assertEquals(t.clock.instant().getEpochSecond(), claims.getLongClaim("auth_time"));
            assertEquals(t.clock.instant().plus(Duration.ofMinutes(10)), claims.getExpirationTime().toInstant());
            assertNotNull(claims.getJWTID());
            assertNotNull(claims.getNotBeforeTime());
            assertNull(claims.getClaim("tenant"), "a single tenant needs no tenant claim");
            assertNotNull(tokens.refreshToken());
            assertNull(tokens.idToken(), "no openid scope, no ID token");
            assertEquals("Bearer", tokens.tokenType());
            assertEquals(Duration.ofMinutes(10), tokens.expiresIn());
        }
    }

    @Test
    void passwordGrantWhenUsernameUnknownOrPasswordWrongThenSameError() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));

            OAuthException wrongPassword = assertThrows(OAuthException.class, () -> t.token(tenant, client,
                    "grant_type", "password", "username", "alice", "password", "wrong password!"));
            OAuthException unknownUser = assertThrows(OAuthException.class, () -> t.token(tenant, client,
                    "grant_type", "password", "username", "mallory", "password", TestEngine.PASSWORD));

            assertEquals("invalid_grant", wrongPassword.error().code());
            assertEquals(wrongPassword.error(), unknownUser.error());
        }
    }

    @Test
    void passwordGrantWhenOpenIdRequestedThenIdTokenForClientWithAtHashAndProfileLeftToUserInfo() throws Exception {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            var alice = t.user(tenant, "alice", "user");
            Client client = t.save(t.confidentialClient(tenant, "web"));

            IssuedTokens tokens = t.token(tenant, client, "grant_type", "password", "username", "alice",
                    "password", TestEngine.PASSWORD, "scope", "openid profile email");

            JWTClaimsSet id = Jwts.verify(t.engine.keys().keyRing("acme").jwksJson(), tokens.idToken());
            assertEquals(List.of("web"), id.getAudience());
            assertEquals(alice.id(), id.getSubject());
            // OIDC Core §5.4: an access token was issued, so the scopes' claims are UserInfo's, not the ID token's.
            assertNull(id.getClaim("name"));
            assertNull(id.getClaim("email"));
            assertEquals(List.of("pwd"), id.getStringListClaim("amr"));
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(tokens.accessToken().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String expectedAtHash = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(java.util.Arrays.copyOf(hash, 16));
            assertEquals(expectedAtHash, id.getStringClaim("at_hash"));
            assertFalse("at+jwt".equals(SignedJWT.parse(tokens.idToken()).getHeader().getType().getType()),
                    "an ID token must not pass as an access token");
        }
    }

    @Test
    void handleWhenGrantTypeUnknownMissingOrNotAllowedThenStandardErrors() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            Client client = t.save(t.confidentialClient(tenant, "web")
                    .grantTypes(java.util.Set.of(dev.identityservice.core.client.GrantType.CLIENT_CREDENTIALS)));

            assertEquals("unsupported_grant_type", assertThrows(OAuthException.class,
                    () -> t.token(tenant, client, "grant_type", "urn:ietf:params:oauth:grant-type:device_code")).error().code());
            assertEquals("invalid_request", assertThrows(OAuthException.class,
                    () -> t.token(tenant, client)).error().code());
            assertEquals("unauthorized_client", assertThrows(OAuthException.class,
                    () -> t.passwordLogin(tenant, client, "alice")).error().code());
            assertEquals("invalid_scope", assertThrows(OAuthException.class,
                    () -> t.token(tenant, client, "grant_type", "client_credentials", "scope", "admin")).error().code());
        }
    }

    @Test
    void clientCredentialsWhenGrantedThenTokenForClientWithoutRefreshOrIdToken() {
        try (TestEngine t = TestEngine.on(DatabaseKind.H2)) {
            Tenant tenant = t.tenant("acme");
            Client client = t.save(t.confidentialClient(tenant, "service"));

            IssuedTokens tokens = t.token(tenant, client, "grant_type", "client_credentials", "scope", "openid api");

            JWTClaimsSet claims = Jwts.verify(t.engine.keys().keyRing("acme").jwksJson(), tokens.accessToken());
            assertEquals("service", claims.getSubject());
            assertEquals("api", claims.getClaim("scope"), "openid is meaningless without a user");
            assertNull(claims.getClaim("roles"));
            assertNull(tokens.refreshToken());
            assertNull(tokens.idToken());
        }
    }
}
