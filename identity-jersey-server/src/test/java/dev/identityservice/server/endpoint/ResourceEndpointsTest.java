package dev.identityservice.server.endpoint;

import static dev.identityservice.server.endpoint.TokenEndpointTest.assertError;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** UserInfo (OIDC Core §5.3), introspection (RFC 7662) and revocation (RFC 7009) over HTTP. */
class ResourceEndpointsTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("app");
        server.confidentialClient("other");
        server.publicClient("spa");
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void userinfoWhenGetWithValidTokenThenProfileClaims() {
        String accessToken = server.passwordLogin("app", "alice").get("access_token").asText();

        HttpResponse<String> response = server.get("/oauth2/userinfo", "Authorization", "Bearer " + accessToken);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode claims = json(response.body());
        assertEquals("alice@example.com", claims.get("email").asText());
        assertEquals(server.server.engine().users().findByUsername("default", "alice").orElseThrow().id(), claims.get("sub").asText());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void userinfoWhenPostWithValidTokenThenProfileClaims() {
        String accessToken = server.passwordLogin("app", "alice").get("access_token").asText();

        HttpResponse<String> response = server.post("/oauth2/userinfo", "", "Authorization", "Bearer " + accessToken);

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void userinfoWhenNoTokenThen401BearerChallengeWithoutErrorCode() {
        HttpResponse<String> response = server.get("/oauth2/userinfo");

        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer realm="));
        assertFalse(challenge.contains("error="));
    }

    @Test
    void userinfoWhenForgedTokenThen401InvalidToken() {
        String accessToken = server.passwordLogin("app", "alice").get("access_token").asText();
        String[] parts = accessToken.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        HttpResponse<String> response = server.get("/oauth2/userinfo", "Authorization", "Bearer " + forged);

        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""));
    }

    @Test
    void userinfoWhenMalformedHeaderThen400InvalidRequest() {
        HttpResponse<String> response = server.get("/oauth2/userinfo", "Authorization", "Bearer a b c");

        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_request\""));
    }

    @Test
    void userinfoWhenClientCredentialsTokenThen401() {
        String accessToken = json(server.post("/oauth2/token", form("grant_type", "client_credentials", "scope", "api"),
                "Authorization", basic("app", SECRET)).body()).get("access_token").asText();

        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + accessToken).statusCode());
    }

    @Test
    void userinfoWhenTokenLacksOpenidThen403InsufficientScope() {
        String accessToken = json(server.post("/oauth2/token", form("grant_type", "password", "username", "alice",
                "password", TestServer.PASSWORD, "scope", "api"), "Authorization", basic("app", SECRET)).body()).get("access_token").asText();

        HttpResponse<String> response = server.get("/oauth2/userinfo", "Authorization", "Bearer " + accessToken);

        assertEquals(403, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().contains("insufficient_scope"));
    }

    @Test
    void introspectWhenActiveThenClaimsAndAfterRevocationInactive() {
        JsonNode tokens = server.passwordLogin("app", "alice");
        String accessToken = tokens.get("access_token").asText();

        JsonNode active = json(server.post("/oauth2/introspect", form("token", accessToken), "Authorization", basic("app", SECRET)).body());
        HttpResponse<String> revoked = server.post("/oauth2/revoke", form("token", tokens.get("refresh_token").asText()),
                "Authorization", basic("app", SECRET));
        JsonNode after = json(server.post("/oauth2/introspect", form("token", accessToken), "Authorization", basic("app", SECRET)).body());

        assertTrue(active.get("active").asBoolean());
        assertEquals("alice", active.get("username").asText());
        assertEquals("app", active.get("client_id").asText());
        assertEquals(200, revoked.statusCode());
        assertEquals("", revoked.body());
        assertFalse(after.get("active").asBoolean());
        assertEquals(1, after.size(), "an inactive token reveals nothing else");
    }

    @Test
    void introspectWhenUnknownTokenThenInactive() {
        HttpResponse<String> response = server.post("/oauth2/introspect", form("token", "no-such-token"), "Authorization", basic("app", SECRET));

        assertEquals(200, response.statusCode());
        assertFalse(json(response.body()).get("active").asBoolean());
    }

    @Test
    void introspectWhenPublicClientThen401() {
        HttpResponse<String> response = server.post("/oauth2/introspect", form("token", "x", "client_id", "spa"));

        assertError(response, 401, "invalid_client");
    }

    @Test
    void introspectWhenNoClientAuthenticationThen401() {
        assertError(server.post("/oauth2/introspect", form("token", "x")), 401, "invalid_client");
    }

    @Test
    void introspectWhenTokenMissingThenInvalidRequest() {
        assertError(server.post("/oauth2/introspect", "", "Authorization", basic("app", SECRET)), 400, "invalid_request");
    }

    @Test
    void revokeWhenUnknownTokenThen200() {
        HttpResponse<String> response = server.post("/oauth2/revoke", form("token", "no-such-token"), "Authorization", basic("app", SECRET));

        assertEquals(200, response.statusCode());
    }

    @Test
    void revokeWhenAnotherClientsRefreshTokenThenRefusedAndTokenStillWorks() {
        String refresh = server.passwordLogin("app", "alice").get("refresh_token").asText();

        HttpResponse<String> attack = server.post("/oauth2/revoke", form("token", refresh), "Authorization", basic("other", SECRET));
        HttpResponse<String> stillUsable = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                "Authorization", basic("app", SECRET));

        assertError(attack, 400, "unauthorized_client");
        assertEquals(200, stillUsable.statusCode(), stillUsable.body());
    }

    @Test
    void revokeWhenBadClientSecretThen401() {
        assertError(server.post("/oauth2/revoke", form("token", "x"), "Authorization", basic("app", "nope-nope-nope-nope-nope-nope-nope-nope")),
                401, "invalid_client");
    }
}
