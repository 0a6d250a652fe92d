package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.http.BoundedBody;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.login.LoginLimits;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenEndpointTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("app");
        server.publicClient("spa");
        server.user("alice", "user");
        server.user("mallory-target", "user");
        server.user("carol", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenPasswordGrantOverBasicThenRfc6749ResponseNotCached() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "password", "username", "alice", "password", PASSWORD, "scope", "openid profile"),
                "Authorization", basic("app", SECRET));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no-cache", response.headers().firstValue("Pragma").orElse(""));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = json(response.body());
        assertEquals("Bearer", body.get("token_type").asText());
        assertTrue(body.get("expires_in").isIntegralNumber());
        assertEquals(600, body.get("expires_in").asInt());
        assertTrue(body.hasNonNull("access_token") && body.hasNonNull("refresh_token") && body.hasNonNull("id_token"));
        assertEquals("openid profile", body.get("scope").asText());
    }

    @Test
    void tokenWhenClientSecretPostThenClientCredentialsIssued() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "client_credentials", "client_id", "app", "client_secret", SECRET, "scope", "api"));

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response.body());
        assertFalse(body.has("refresh_token"));
        assertFalse(body.has("id_token"));
    }

    @Test
    void tokenWhenRefreshThenRotatedAndReuseRefused() {
        String refresh = server.passwordLogin("app", "alice").get("refresh_token").asText();

        HttpResponse<String> first = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                "Authorization", basic("app", SECRET));
        HttpResponse<String> replay = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refresh),
                "Authorization", basic("app", SECRET));

        assertEquals(200, first.statusCode(), first.body());
        assertNotEquals(refresh, json(first.body()).get("refresh_token").asText());
        assertEquals(400, replay.statusCode());
        assertEquals("invalid_grant", json(replay.body()).get("error").asText());
    }

    @Test
    void tokenWhenPublicClientWithClientIdOnlyThenIssued() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "password", "client_id", "spa", "username", "alice", "password", PASSWORD));

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void tokenWhenPublicClientSendsSecretThenInvalidClient() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "password", "client_id", "spa", "client_secret", SECRET, "username", "alice", "password", PASSWORD));

        assertError(response, 401, "invalid_client");
    }

    @Test
    void tokenWhenWrongSecretOverBasicThen401WithBasicChallenge() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic("app", SECRET + "x"));

        assertError(response, 401, "invalid_client");
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
    }

    @Test
    void tokenWhenUnknownClientOverBasicThenSameAnswerAsWrongSecret() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic("nobody", SECRET));

        assertError(response, 401, "invalid_client");
        assertEquals("Client authentication failed", json(response.body()).get("error_description").asText());
    }

    @Test
    void tokenWhenWrongSecretInFormThen401WithoutBasicChallenge() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "client_credentials", "client_id", "app", "client_secret", "wrong-secret-wrong-secret-wrong-secret"));

        assertError(response, 401, "invalid_client");
        assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty());
    }

    @Test
    void tokenWhenBasicAndClientSecretTogetherThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "client_credentials", "client_id", "app", "client_secret", SECRET),
                "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenWhenNoClientAuthenticationThen401() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials"));

        assertError(response, 401, "invalid_client");
    }

    @Test
    void tokenWhenJsonContentTypeThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/token", "{\"grant_type\":\"client_credentials\"}",
                "Content-Type", "application/json", "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenWhenNonUtf8CharsetDeclaredThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Content-Type", "application/x-www-form-urlencoded; charset=ISO-8859-1", "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenWhenBodyIsNotUtf8ThenInvalidRequest() {
        byte[] body = "grant_type=client_credentials&scope=%C3%28".getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> response = server.send(java.net.http.HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)),
                "Content-Type", TestServer.FORM, "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenWhenParameterRepeatedThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/token",
                "grant_type=client_credentials&scope=api&scope=openid", "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
        assertTrue(json(response.body()).get("error_description").asText().contains("scope"));
    }

    @Test
    void tokenWhenMalformedPercentEncodingThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/token", "grant_type=client%2", "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenWhenGrantTypeMissingThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/token", form("scope", "api"), "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void tokenWhenGrantTypeUnknownThenUnsupportedGrantType() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                "Authorization", basic("app", SECRET));

        assertError(response, 400, "unsupported_grant_type");
    }

    @Test
    void tokenWhenBodyLargerThanCapThen413Json() {
        byte[] huge = ("grant_type=client_credentials&pad=" + "a".repeat(BoundedBody.MAX_BYTES)).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> response = server.postBytes("/oauth2/token", huge, TestServer.FORM);

        assertError(response, 413, "invalid_request");
        assertEquals("close", response.headers().firstValue("Connection").orElse(""),
                "the unread rest of the body makes the connection unusable");
    }

    @Test
    void tokenWhenGetThen405Json() {
        HttpResponse<String> response = server.get("/oauth2/token?grant_type=client_credentials");

        assertEquals(405, response.statusCode());
        assertEquals("invalid_request", json(response.body()).get("error").asText());
        assertTrue(response.headers().firstValue("Allow").orElse("").contains("POST"));
    }

    @Test
    void tokenWhenWrongPasswordThenInvalidGrant() {
        HttpResponse<String> response = server.post("/oauth2/token",
                form("grant_type", "password", "username", "carol", "password", "not her password"),
                "Authorization", basic("app", SECRET));

        assertError(response, 400, "invalid_grant");
    }

    @Test
    void tokenWhenRepeatedFailedLoginsThenThrottledEvenWithRightPasswordOtherAccountsUnaffected() {
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            assertError(server.post("/oauth2/token",
                    form("grant_type", "password", "username", "mallory-target", "password", "guess-" + i),
                    "Authorization", basic("app", SECRET)), 400, "invalid_grant");
        }

        HttpResponse<String> blocked = server.post("/oauth2/token",
                form("grant_type", "password", "username", "mallory-target", "password", PASSWORD),
                "Authorization", basic("app", SECRET));
        HttpResponse<String> other = server.post("/oauth2/token",
                form("grant_type", "password", "username", "carol", "password", PASSWORD),
                "Authorization", basic("app", SECRET));

        assertError(blocked, 400, "invalid_grant");
        assertTrue(json(blocked.body()).get("error_description").asText().startsWith("Too many failed attempts"));
        long retryAfter = Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= LoginLimits.DEFAULT_WINDOW.toSeconds());
        assertEquals(200, other.statusCode(), other.body());
        assertTrue(server.metrics().contains("identity_logins_failed_total"));
    }

    static void assertError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, json(response.body()).get("error").asText(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }
}
