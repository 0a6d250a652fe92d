package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.headersButDate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.observability.ServerMetrics;
import dev.identityservice.server.testing.ProxiedPostgresSchema;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link JwksHandler} answers {@code GET} of a key set in front of the servlet context; {@code HEAD} still goes
 * through Jersey's {@link JwksEndpoint}, whose headers for a {@code GET} are the same. So every header of the
 * handler's answers is compared with Jersey's, for the default tenant and another, with and without {@code Origin} and a matching
 * {@code If-None-Match}, and the request metrics are counted as Jersey counts them.
 */
class JwksHandlerTest {

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

    /**
     * The handler alone in a Jetty server of its own, before a handler that answers 418: which requests it answers
     * itself and which it hands on (each of those would otherwise skip a check of the servlet context: the body drain,
     * the header syntax, the management port's separation, Jersey's routing), and that an unknown tenant's look-up is
     * handed on with the request.
     */
    @Test
    void handleWhenKeySetOfMainConnectorThenAnsweredElseHandedOn() throws Exception {
        Server jetty = new Server();
        ServerConnector main = new ServerConnector(jetty);
        main.setName("main");
        main.setHost("127.0.0.1");
        ServerConnector other = new ServerConnector(jetty);
        other.setName("management");
        other.setHost("127.0.0.1");
        jetty.addConnector(main);
        jetty.addConnector(other);
        try (ServerMetrics metrics = new ServerMetrics()) {
            JwksHandler handler = new JwksHandler(new JwksEndpoint(server.server.engine().keys()), server.server.engine()::tenant,
                    metrics, "main");
            handler.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    response.setStatus(418);
                    response.getHeaders().put("X-Lookup", String.valueOf(request.getAttribute(TenantResolver.LOOKUP) != null));
                    callback.succeeded();
                    return true;
                }
            });
            jetty.setHandler(handler);
            jetty.start();
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + main.getLocalPort());
            for (String path : List.of("/oauth2/jwks", "/t/acme/oauth2/jwks")) {
                HttpResponse<String> answered = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answered.statusCode(), path);
                assertEquals(server.get(path).body(), answered.body(), path);
                assertEquals(server.get(path).headers().firstValue("ETag"), answered.headers().firstValue("ETag"), path);
                HttpResponse<String> acceptable = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Accept", "application/json, */*;q=0.1")
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, acceptable.statusCode(), path);
            }
            assertEquals(4, metrics.registry().find("identity.http.requests").tag("endpoint", "JwksEndpoint").counter().count());

            Map<String, HttpRequest.Builder> handedOn = new LinkedHashMap<>();
            handedOn.put("HEAD", HttpRequest.newBuilder(base.resolve("/oauth2/jwks")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
            handedOn.put("POST", HttpRequest.newBuilder(base.resolve("/oauth2/jwks")).POST(HttpRequest.BodyPublishers.noBody()));
            handedOn.put("GET with a body", HttpRequest.newBuilder(base.resolve("/oauth2/jwks")).method("GET", HttpRequest.BodyPublishers.ofString("x")));
            handedOn.put("GET with Content-Type", HttpRequest.newBuilder(base.resolve("/oauth2/jwks")).header("Content-Type", "text/plain"));
            handedOn.put("malformed Accept", HttpRequest.newBuilder(base.resolve("/oauth2/jwks")).header("Accept", "text/html;q=abc"));
            handedOn.put("trailing slash", HttpRequest.newBuilder(base.resolve("/oauth2/jwks/")));
            handedOn.put("encoded", HttpRequest.newBuilder(base.resolve("/oauth2/%6Awks")));
            handedOn.put("dotted", HttpRequest.newBuilder(URI.create(base + "/t/acme/../oauth2/jwks")));
            handedOn.put("other connector", HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.getLocalPort() + "/oauth2/jwks")));
            for (Map.Entry<String, HttpRequest.Builder> request : handedOn.entrySet()) {
                HttpResponse<String> response = http.send(request.getValue().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(418, response.statusCode(), request.getKey());
                assertEquals("false", response.headers().firstValue("X-Lookup").orElseThrow(), request.getKey());
            }
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(base.resolve("/t/nobody/oauth2/jwks")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(418, unknown.statusCode());
            assertEquals("true", unknown.headers().firstValue("X-Lookup").orElseThrow(), "the look-up handed on");
            assertEquals(4, metrics.registry().find("identity.http.requests").tag("endpoint", "JwksEndpoint").counter().count());
        } finally {
            jetty.stop();
        }
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
