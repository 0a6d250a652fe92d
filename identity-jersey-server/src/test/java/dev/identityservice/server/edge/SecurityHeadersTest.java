package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.RawHttp;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 12: {@code X-Content-Type-Options: nosniff} on every JSON response (successes, RFC 6749/6750
 * errors, Jersey's and Jetty's own errors, the management API), the full set on HTML pages, and no HSTS over
 * plain HTTP (it is sent under TLS only; see {@code TlsTest}).
 */
class SecurityHeadersTest {

    private static TestServer server;
    private static String adminToken;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("web");
        server.confidentialClient("demo");
        server.user("root", "admin");
        adminToken = ClientSuppliedNumbersTest.adminToken(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyJsonResponseWhenSuccessOrErrorThenNosniff() {
        Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
        responses.put("token 200", server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("web", SECRET)));
        responses.put("token 400", server.post("/oauth2/token", form("grant_type", "nonsense"), "Authorization", basic("web", SECRET)));
        responses.put("token 401", server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("web", "wrong")));
        responses.put("token 415", server.post("/oauth2/token", "{}", "Content-Type", "application/json"));
        responses.put("token 405", server.get("/oauth2/token"));
        responses.put("discovery", server.get("/.well-known/openid-configuration"));
        responses.put("jwks", server.get("/oauth2/jwks"));
        responses.put("userinfo 401", server.get("/oauth2/userinfo"));
        responses.put("introspect 401", server.post("/oauth2/introspect", form("token", "x")));
        responses.put("health", server.get("/health"));
        responses.put("unknown path 404", server.get("/no/such/thing"));
        responses.put("unknown tenant 404", server.get("/t/nobody/oauth2/jwks"));
        responses.put("admin 200", server.get("/admin/users", "Authorization", "Bearer " + adminToken));
        responses.put("admin 400", server.get("/admin/users?limit=0", "Authorization", "Bearer " + adminToken));
        responses.put("admin 401", server.get("/admin/users"));
        responses.put("admin 404", server.get("/admin/users/nobody", "Authorization", "Bearer " + adminToken));
        responses.put("admin 415", server.post("/admin/users", "x", "Authorization", "Bearer " + adminToken, "Content-Type", "text/plain"));
        responses.put("413", server.post("/oauth2/token", "a=" + "x".repeat(70_000)));
        responses.put("CORS preflight", server.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()), "Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"));

        responses.forEach((what, response) -> {
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null),
                    what + " (" + response.statusCode() + "): " + response.headers().map());
            assertEquals(1, response.headers().allValues("X-Content-Type-Options").size(), what);
            assertTrue(response.headers().firstValue("Strict-Transport-Security").isEmpty(), "no HSTS over plain HTTP: " + what);
        });
    }

    @Test
    void jettyErrorsWhenRequestMalformedThenJsonWithNosniff() {
        for (String request : new String[] {
                "GET /oauth2/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n"}) {
            RawHttp.Exchange exchange = RawHttp.send(server.server.port(), request, false, Duration.ofSeconds(10));

            assertTrue(exchange.status() >= 400 && exchange.status() < 500, exchange.response());
            assertTrue(exchange.hasHeader("X-Content-Type-Options", "nosniff"), exchange.response());
            assertTrue(exchange.hasHeader("Content-Type", "application/json"), exchange.response());
        }
    }

    @Test
    void htmlPagesWhenLoginOrErrorThenFullBrowserHeaderSet() {
        for (String path : new String[] {"/oauth2/authorize?" + form("response_type", "code", "client_id", "web", "state", "s"),
                "/oauth2/authorize?client_id=nobody", "/oauth2/logout"}) {
            HttpResponse<String> page = server.get(path);

            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), path);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null), path);
            assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElse(null), path);
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(null), path);
        }
    }
}
