package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.CapturedLog;
import dev.identityservice.server.testing.RawHttp;
import dev.identityservice.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kinds 2 and 15, found by the adversarial review: request headers that Jersey parses itself
 * ({@code Content-Length}, {@code Content-Type}, {@code Accept}) are client input too. A value Jersey cannot
 * parse must be an RFC 6749 §5.2 JSON error with {@code nosniff}, never a 500 with an ERROR line, nor
 * Jersey's empty 400.
 */
class MalformedHeadersTest {

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
    void bodyEndpointsWhenContentLengthBeyondIntThen413NotServerErrorAndNoErrorLog() {
        for (String target : List.of("POST /oauth2/token", "POST /oauth2/introspect", "POST /oauth2/revoke", "POST /oauth2/authorize",
                "POST /oauth2/logout", "POST /admin/users")) {
            String contentType = target.endsWith("users") ? "application/json" : "application/x-www-form-urlencoded";
            try (CapturedLog log = new CapturedLog()) {
                RawHttp.Exchange exchange = RawHttp.send(server.server.port(), target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: " + contentType + "\r\nAuthorization: " + (target.endsWith("users") ? "Bearer " + adminToken : basic("web", SECRET))
                        + "\r\nContent-Length: 9223372036854775807\r\n\r\ngrant_type=client_credentials", true, Duration.ofSeconds(10));

                assertEquals(413, exchange.status(), target + ": " + exchange.response());
                assertTrue(exchange.response().contains("\"error\":\"invalid_request\""), exchange.response());
                assertTrue(exchange.hasHeader("X-Content-Type-Options", "nosniff"), exchange.response());
                assertEquals(List.of(), log.at("ERROR"), target);
            }
        }
    }

    @Test
    void everyEndpointWhenContentTypeOrAcceptMalformedThenJson400WithNosniff() {
        List<String> malformed = List.of("Content-Type: application/x-www-form-urlencoded; charset", "Content-Type: ;;;",
                "Content-Type: /", "Content-Type: application/x-www-form-urlencoded; charset=\"utf-8",
                "Content-Type: application/x-www-form-urlencoded, text/plain", "Accept: text/html;q=abc", "Accept: /",
                "Accept: application/json;q=2");
        List<String> failures = new java.util.ArrayList<>();
        for (String target : List.of("POST /oauth2/token", "GET /oauth2/userinfo", "GET /.well-known/openid-configuration",
                "GET /oauth2/authorize?client_id=web", "POST /admin/users", "GET /no/such/path")) {
            for (String header : malformed) {
                RawHttp.Exchange exchange = RawHttp.send(server.server.port(), target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + header + "\r\nAuthorization: " + basic("web", SECRET) + "\r\nContent-Length: 29\r\n\r\n"
                        + "grant_type=client_credentials", true, Duration.ofSeconds(10));

                if (exchange.status() != 400 || !exchange.response().contains("\"error\":\"invalid_request\"")
                        || !exchange.hasHeader("X-Content-Type-Options", "nosniff")) {
                    failures.add(target + " with " + header + ": " + exchange.response());
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
