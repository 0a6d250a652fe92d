package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may introspect what (RFC 7662 §2.2, §4), over HTTP: a client learns about its own tokens and about access
 * tokens meant for it; a refresh token only ever to its own client; anything else is {@code {"active":false}}.
 */
class IntrospectionAccessTest {

    private static final String API = "https://api.example.com";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").tokenSettings(TokenSettings.DEFAULTS.withAudience(API)));
        server.save(server.confidential(Tenant.DEFAULT_ID, "reports")
                .tokenSettings(TokenSettings.DEFAULTS.withAudience("orders").withAccessTokenFormat(AccessTokenFormat.OPAQUE)));
        server.confidentialClient("other");
        server.save(server.confidential(Tenant.DEFAULT_ID, "api-gateway").introspectionAudiences(Set.of(API)));
        server.confidentialClient("orders");
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void introspectWhenOwnAccessTokenThenActiveWithTokenTypeAndAudience() {
        String access = server.passwordLogin("web", "alice").get("access_token").asText();

        JsonNode answer = introspect("web", access, null);

        assertTrue(answer.get("active").asBoolean(), answer.toString());
        assertEquals("Bearer", answer.get("token_type").asText());
        assertEquals(API, answer.get("aud").asText());
        assertEquals("web", answer.get("client_id").asText());
    }

    @Test
    void introspectWhenOwnRefreshTokenThenActiveWithRefreshTokenTypeAndAudience() {
        String refresh = server.passwordLogin("web", "alice").get("refresh_token").asText();

        JsonNode answer = introspect("web", refresh, "refresh_token");

        assertTrue(answer.get("active").asBoolean(), answer.toString());
        assertEquals("refresh_token", answer.get("token_type").asText());
        assertEquals(API, answer.get("aud").asText());
        assertEquals("web", answer.get("client_id").asText());
    }

    @Test
    void introspectWhenForeignClientAsksAboutAccessTokenThenInactiveOnly() {
        String access = server.passwordLogin("web", "alice").get("access_token").asText();

        assertEquals(json("{\"active\":false}"), introspect("other", access, null));
    }

    @Test
    void introspectWhenNonOwnerAsksAboutRefreshTokenThenInactiveEvenForItsAudience() {
        String refresh = server.passwordLogin("web", "alice").get("refresh_token").asText();

        assertEquals(json("{\"active\":false}"), introspect("other", refresh, "refresh_token"));
        assertEquals(json("{\"active\":false}"), introspect("api-gateway", refresh, null),
                "being in the audience of the access tokens does not open the refresh token");
        assertTrue(introspect("web", refresh, null).get("active").asBoolean(), "the owner still sees it");
    }

    @Test
    void introspectWhenCallerRegisteredForTokensAudienceThenActive() {
        String access = server.passwordLogin("web", "alice").get("access_token").asText();

        JsonNode answer = introspect("api-gateway", access, "access_token");

        assertTrue(answer.get("active").asBoolean(), answer.toString());
        assertEquals("alice", answer.get("username").asText());
    }

    @Test
    void introspectWhenTokensAudienceIsCallersClientIdThenActiveForOpaqueToken() {
        String access = server.passwordLogin("reports", "alice").get("access_token").asText();

        assertTrue(introspect("orders", access, null).get("active").asBoolean(), "aud names the caller");
        assertEquals(json("{\"active\":false}"), introspect("other", access, null));
    }

    private static JsonNode introspect(String clientId, String token, String hint) {
        HttpResponse<String> response = server.post("/oauth2/introspect",
                hint == null ? form("token", token) : form("token", token, "token_type_hint", hint),
                "Authorization", basic(clientId, SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }
}
