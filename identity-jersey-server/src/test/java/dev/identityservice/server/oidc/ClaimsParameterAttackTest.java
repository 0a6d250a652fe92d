package dev.identityservice.server.oidc;

import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code claims} parameter (OIDC Core §5.5) under attack, over real HTTP, by GET and by POST: malformed,
 * deeply nested, huge. Each is an {@code invalid_request} redirect to the client (§3.1.2.6), never a 500 and
 * never a stack trace.
 */
class ClaimsParameterAttackTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").scopes(Set.of("openid", "profile")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("not json", "{userinfo"),
                Arguments.of("an array", "[]"),
                Arguments.of("a string", "\"userinfo\""),
                Arguments.of("json null", "null"),
                Arguments.of("array of name-value pairs", "[[\"userinfo\",{\"email\":{\"essential\":true}}]]"),
                Arguments.of("member not an object", "{\"userinfo\":[\"email\"]}"),
                Arguments.of("claim not an object", "{\"userinfo\":{\"email\":true}}"),
                Arguments.of("essential not boolean", "{\"id_token\":{\"acr\":{\"essential\":\"yes\"}}}"),
                Arguments.of("value an object", "{\"userinfo\":{\"email\":{\"value\":{}}}}"),
                Arguments.of("values not an array", "{\"id_token\":{\"acr\":{\"values\":\"x\"}}}"),
                Arguments.of("duplicate member", "{\"userinfo\":{},\"userinfo\":[]}"),
                Arguments.of("trailing garbage", "{\"userinfo\":{}}}"),
                Arguments.of("nested 100000 deep at the top", "[".repeat(100_000)),
                Arguments.of("nested 100000 deep in values",
                        "{\"userinfo\":{\"email\":{\"values\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}}}"),
                Arguments.of("nested objects 50000 deep in values",
                        "{\"userinfo\":{\"email\":{\"values\":[" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000) + "]}}}"),
                Arguments.of("huge number", "{\"id_token\":{\"acr\":{\"value\":1e999999999}}}"),
                // 1 MB once form-encoded (10 bytes per value): under UnreadBodyDrainFilter's bound, so the refusal
                // always reaches the client; past it, the connection closes with the body unread and the client's
                // socket may be reset before it reads the answer.
                Arguments.of("1 MB of values", "{\"userinfo\":{\"email\":{\"values\":[" + "\"x\",".repeat(100_000) + "\"y\"]}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void authorizeWhenClaimsParameterMalformedThenInvalidRequestRedirectNever500(String name, String claims) {
        String query = form("response_type", "code", "client_id", "web", "redirect_uri", OidcFlow.REDIRECT, "state", "st",
                "scope", "openid", "claims", claims);
        HttpResponse<String> posted = server.post("/oauth2/authorize", query, "Content-Type", "application/x-www-form-urlencoded");
        check(name + " (POST)", posted);
        if (query.length() < 6_000) {
            check(name + " (GET)", server.get("/oauth2/authorize?" + query));
        }
    }

    private static void check(String name, HttpResponse<String> response) {
        assertFalse(response.statusCode() >= 500, name + ": " + response.statusCode() + " " + response.body());
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), name + ": " + response.body());
        if (response.statusCode() == 302) {
            Map<String, String> query = OidcFlow.query(response);
            assertEquals("invalid_request", query.get("error"), name);
            assertEquals("st", query.get("state"), name);
        } else {
            assertTrue(response.statusCode() == 400 || response.statusCode() == 413, name + ": " + response.statusCode() + " " + response.body());
        }
    }
}
