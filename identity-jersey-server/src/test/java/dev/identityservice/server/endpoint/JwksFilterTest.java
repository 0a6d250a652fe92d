package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.headersButDate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.ProxiedPostgresSchema;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link JwksFilter} answers {@code GET} of a key set in front of Jersey; {@code HEAD} still goes through Jersey's
 * {@link JwksEndpoint}, whose headers for a {@code GET} are the same. So every header of the filter's answers is
 * compared with Jersey's, for the default tenant and another, with and without {@code Origin} and a matching
 * {@code If-None-Match}, and the request metrics are counted as Jersey counts them.
 */
class JwksFilterTest {

    private static final String JWKS = "/oauth2/jwks";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.tenant("acme");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void getWhenServedBeforeJerseyThenHeadersAsJerseysHead() {
        for (String path : List.of("/oauth2/jwks", "/t/acme/oauth2/jwks", "/t/default/oauth2/jwks", "/oauth2/jwks?ignored=1")) {
            HttpResponse<String> plain = server.get(path);
            assertEquals(200, plain.statusCode(), path);
            assertEquals(headersButDate(server.head(path)), headersButDate(plain), path);
            String etag = plain.headers().firstValue("ETag").orElseThrow();
            assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
            assertEquals("max-age=300", plain.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("application/jwk-set+json", plain.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(plain.body().startsWith("{\"keys\":["), plain.body());

            String[] origin = {"Origin", "https://app.example"};
            HttpResponse<String> cors = server.get(path, origin);
            assertEquals(headersButDate(server.head(path, origin)), headersButDate(cors), path);
            assertEquals("*", cors.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("WWW-Authenticate", cors.headers().firstValue("Access-Control-Expose-Headers").orElseThrow());
            assertEquals(plain.body(), cors.body());

            // RFC 9110 §13.1.2: "*", or any member equal by the weak comparison.
            for (String[] conditional : List.of(new String[] {"If-None-Match", etag}, new String[] {"If-None-Match", "W/\"x\", " + etag},
                    new String[] {"If-None-Match", "*"}, new String[] {"If-None-Match", "W/" + etag})) {
                HttpResponse<String> notModified = server.get(path, conditional);
                assertEquals(304, notModified.statusCode(), path);
                assertEquals(headersButDate(server.head(path, conditional)), headersButDate(notModified), path);
                assertEquals("", notModified.body());
                assertEquals(etag, notModified.headers().firstValue("ETag").orElseThrow());
            }
            String value = etag.substring(1, etag.length() - 1);
            for (String other : List.of("\"somethingelse\"", "\"xx" + value + "yy\"", value, "\"" + value + "\"x")) {
                HttpResponse<String> otherTag = server.get(path, "If-None-Match", other);
                assertEquals(200, otherTag.statusCode(), other);
                assertEquals(headersButDate(server.head(path, "If-None-Match", other)), headersButDate(otherTag), other);
                assertEquals(plain.body(), otherTag.body());
            }
        }
        assertTrue(!server.get("/oauth2/jwks").body().equals(server.get("/t/acme/oauth2/jwks").body()), "each tenant its own keys");
    }

    @Test
    void getWhenNotExactlyAKeySetThenJerseyAsBefore() {
        HttpResponse<String> unknown = server.get("/t/nobody/oauth2/jwks");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("\"Unknown tenant\""), unknown.body());
        assertEquals("nosniff", unknown.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals(404, server.get("/t/Bad_Id/oauth2/jwks").statusCode());
        // Jersey's answers for paths the filter leaves alone: the set with a trailing slash, none for an encoded letter.
        assertEquals(server.get("/oauth2/jwks").body(), server.get("/oauth2/jwks/").body());
        assertEquals(headersButDate(server.head("/oauth2/jwks/")), headersButDate(server.get("/oauth2/jwks/")));
        assertEquals(404, server.get("/oauth2/%6Awks").statusCode());
        HttpResponse<String> post = server.post("/oauth2/jwks", "a=b");
        assertEquals(405, post.statusCode());
        // The header checks still come first.
        assertEquals(400, server.get("/oauth2/jwks", "Accept", "text/html;q=abc").statusCode());
    }

    /**
     * An unknown tenant's key set is one database lookup, as through Jersey alone: the filter's lookup is handed to
     * Jersey's TenantResolver, not made again (counted by the pool's connection acquisitions; a background job may
     * take a few meanwhile).
     */
    @Test
    void getWhenUnknownTenantThenLookedUpOnce() {
        int requests = 20;
        double before = server.metric("hikaricp_connections_acquire_seconds_count\\{[^}]*}");
        for (int i = 0; i < requests; i++) {
            assertEquals(404, server.get("/t/nobody-" + i + "/oauth2/jwks").statusCode());
        }
        double acquired = server.metric("hikaricp_connections_acquire_seconds_count\\{[^}]*}") - before;
        assertTrue(acquired >= requests && acquired <= requests + 3, acquired + " connections for " + requests + " lookups");
    }

    @Test
    void getWhenAnsweredThenCountedAsJerseyCounts() {
        double success = server.metric("identity_http_requests_total\\{endpoint=\"JwksEndpoint\",outcome=\"success\"}");
        double redirect = server.metric("identity_http_requests_total\\{endpoint=\"JwksEndpoint\",outcome=\"redirect\"}");
        double timed2xx = server.metric("identity_http_server_requests_seconds_count\\{endpoint=\"/oauth2/jwks\",method=\"GET\",status=\"2xx\"}");
        double timed3xx = server.metric("identity_http_server_requests_seconds_count\\{endpoint=\"/oauth2/jwks\",method=\"GET\",status=\"3xx\"}");
        String etag = server.get("/oauth2/jwks").headers().firstValue("ETag").orElseThrow();
        server.get("/t/acme/oauth2/jwks");
        server.get("/oauth2/jwks", "If-None-Match", etag);
        assertEquals(success + 2, server.metric("identity_http_requests_total\\{endpoint=\"JwksEndpoint\",outcome=\"success\"}"));
        assertEquals(redirect + 1, server.metric("identity_http_requests_total\\{endpoint=\"JwksEndpoint\",outcome=\"redirect\"}"));
        assertEquals(timed2xx + 2, server.metric("identity_http_server_requests_seconds_count\\{endpoint=\"/oauth2/jwks\",method=\"GET\",status=\"2xx\"}"));
        assertEquals(timed3xx + 1, server.metric("identity_http_server_requests_seconds_count\\{endpoint=\"/oauth2/jwks\",method=\"GET\",status=\"3xx\"}"));
    }

    @Test
    void tenantIdWhenPathExactThenTenantElseNull() {
        assertEquals(Tenant.DEFAULT_ID, FrontTenant.tenantId("/oauth2/jwks", JWKS));
        assertEquals("acme-2", FrontTenant.tenantId("/t/acme-2/oauth2/jwks", JWKS));
        assertNull(FrontTenant.tenantId("/t//oauth2/jwks", JWKS));
        assertNull(FrontTenant.tenantId("/t/a/b/oauth2/jwks", JWKS));
        assertNull(FrontTenant.tenantId("/t/Acme/oauth2/jwks", JWKS));
        assertNull(FrontTenant.tenantId("/t/oauth2/jwks", JWKS));
        assertNull(FrontTenant.tenantId("/oauth2/jwks/", JWKS));
        assertNull(FrontTenant.tenantId("//oauth2/jwks", JWKS));
        assertNull(FrontTenant.tenantId("/x/oauth2/jwks", JWKS));
    }

    /**
     * A key set the filter cannot answer without the database (an unknown tenant's, which is looked up every time)
     * while the database is away: 503 {@code temporarily_unavailable} with {@code Retry-After}, as Jersey's
     * {@code TenantResolver} answers it, never Jetty's 500, after one wait for a connection, not two; and the default tenant's set is still served from memory.
     */
    @Test
    void getWhenDatabaseAwayThenUnknownTenant503AsJersey() throws Exception {
        try (ProxiedPostgresSchema postgres = ProxiedPostgresSchema.createOrSkip("jwks_filter_")) {
            TestServer outage = TestServer.start(b -> b.dbUrl(postgres.jdbcUrl()).dbUser(null).dbConnectionTimeout(Duration.ofSeconds(2)));
            try {
                assertEquals(200, outage.get("/oauth2/jwks").statusCode());
                assertEquals(404, outage.get("/t/nobody/oauth2/jwks").statusCode());
                postgres.cut();
                for (String method : List.of("GET", "HEAD")) {
                    long start = System.nanoTime();
                    HttpResponse<String> unknown = outage.send(HttpRequest.newBuilder(outage.uri("/t/nobody/oauth2/jwks"))
                            .method(method, HttpRequest.BodyPublishers.noBody()));
                    assertEquals(503, unknown.statusCode(), method + " " + unknown.body());
                    // One wait for a connection (2 s), not a second one in Jersey.
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertTrue(took.compareTo(Duration.ofMillis(3500)) < 0, method + " took " + took);
                    assertTrue(unknown.headers().firstValue("Retry-After").isPresent(), method + " " + unknown.headers().map());
                    assertEquals("nosniff", unknown.headers().firstValue("X-Content-Type-Options").orElse(null), method);
                }
                assertTrue(outage.get("/t/nobody/oauth2/jwks").body().contains("\"temporarily_unavailable\""));
                assertEquals(200, outage.get("/oauth2/jwks").statusCode());
            } finally {
                outage.close();
            }
        }
    }

}
