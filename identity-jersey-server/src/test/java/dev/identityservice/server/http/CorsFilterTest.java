package dev.identityservice.server.http;

import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CorsFilterTest {

    private static final String SPA = "https://spa.example.com";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").allowedOrigins(Set.of(SPA)));
        server.tenant("acme");
        server.save(server.confidential("acme", "web").allowedOrigins(Set.of("https://acme-only.example.com")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenOriginRegisteredThenEchoedWithVaryAndNoCredentials() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials",
                "client_id", "web", "client_secret", TestServer.SECRET), "Origin", SPA);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(SPA, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(response.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Origin")));
        assertTrue(response.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());
    }

    @Test
    void tokenWhenOriginUnknownOrOfAnotherTenantThenNoAllowOrigin() {
        for (String origin : Set.of("https://evil.example", "https://acme-only.example.com", SPA + ".evil.example")) {
            HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "client_credentials",
                    "client_id", "web", "client_secret", TestServer.SECRET), "Origin", origin);

            assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin);
        }
    }

    @Test
    void preflightWhenOriginRegisteredThenAnswered() {
        HttpResponse<String> response = preflight("/oauth2/token", SPA);

        assertEquals(204, response.statusCode());
        assertEquals(SPA, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("POST", response.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        String allowHeaders = response.headers().firstValue("Access-Control-Allow-Headers").orElse("");
        assertTrue(allowHeaders.contains("Authorization") && allowHeaders.contains("Content-Type"), allowHeaders);
        assertEquals(String.valueOf(CorsFilter.PREFLIGHT_MAX_AGE_SECONDS), response.headers().firstValue("Access-Control-Max-Age").orElse(null));
        assertTrue(response.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());
    }

    @Test
    void preflightWhenOriginUnknownThenNoAllowOrigin() {
        HttpResponse<String> response = preflight("/oauth2/userinfo", "https://evil.example");

        assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        assertTrue(response.headers().firstValue("Access-Control-Allow-Methods").isEmpty());
    }

    @Test
    void preflightWhenTenantOriginOnTenantPathThenAnswered() {
        HttpResponse<String> response = preflight("/t/acme/oauth2/revoke", "https://acme-only.example.com");

        assertEquals("https://acme-only.example.com", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void userinfoWhenRefusedFromRegisteredOriginThenChallengeReadable() {
        HttpResponse<String> response = server.get("/oauth2/userinfo", "Origin", SPA);

        assertEquals(401, response.statusCode());
        assertEquals(SPA, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("WWW-Authenticate", response.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
    }

    @Test
    void jwksAndDiscoveryWhenAnyOriginThenWildcard() {
        for (String path : new String[] {"/oauth2/jwks", "/.well-known/openid-configuration"}) {
            HttpResponse<String> response = server.get(path, "Origin", "https://anyone.example");

            assertEquals(200, response.statusCode());
            assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
    }

    @Test
    void authorizeWhenOriginSentThenNoCorsHeaders() {
        HttpResponse<String> response = server.get("/oauth2/authorize?client_id=web", "Origin", SPA);

        assertTrue(response.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    @Test
    void preflightWhenClientsOriginRemovedThenRefusedAtOnceNotAfterTheCache() {
        String moving = "https://moving.example.com";
        var client = server.save(server.confidential(Tenant.DEFAULT_ID, "moving").allowedOrigins(Set.of(moving)));
        assertEquals(moving, preflight("/oauth2/token", moving).headers().firstValue("Access-Control-Allow-Origin").orElse(null));

        server.server.engine().clients().update(client.toBuilder().allowedOrigins(Set.of()).build());

        assertTrue(preflight("/oauth2/token", moving).headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    private static HttpResponse<String> preflight(String path, String origin) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).method("OPTIONS", HttpRequest.BodyPublishers.noBody()),
                "Origin", origin, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type");
    }
}
