package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.headersButDate;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IntrospectionFilter} answers a well-formed introspection in front of Jersey. A request with an
 * {@code Origin} that no client allows goes through Jersey alone and gets no CORS header, so each request below is
 * sent both ways and the answers compared: status, every header, body. Good requests (each client authentication
 * method, active and inactive tokens, another tenant) and every kind of refusal (failed authentication with and
 * without a Basic challenge, a public client, no token, two methods, a malformed or oversized body, two headers) give
 * the same answer; a database outage waits one connection timeout, not two.
 */
class IntrospectionFilterTest {

    private static final String INTROSPECT = "/oauth2/introspect";
    private static final String[] ELSEWHERE = {"Origin", "https://elsewhere.example"};

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("app");
        server.confidentialClient("other");
        server.publicClient("spa");
        server.user("alice", "user");
        server.tenant("acme");
        server.save(server.confidential("acme", "app"));
        server.save(server.confidential(Tenant.DEFAULT_ID, "browser").allowedOrigins(Set.of("https://app.example")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void introspectWhenWellFormedThenJerseysAnswer() {
        JsonNode tokens = server.passwordLogin("app", "alice");
        String access = tokens.get("access_token").asText();
        String refresh = tokens.get("refresh_token").asText();
        String acme = json(server.post("/t/acme/oauth2/token", form("grant_type", "client_credentials", "scope", "api"),
                "Authorization", basic("app", SECRET)).body()).get("access_token").asText();

        JsonNode active = json(assertSameAsJersey(INTROSPECT, form("token", access), "Authorization", basic("app", SECRET)).body());
        assertTrue(active.get("active").asBoolean(), active.toString());
        assertEquals("alice", active.get("username").asText());
        HttpResponse<String> served = server.post(INTROSPECT, form("token", access), "Authorization", basic("app", SECRET));
        assertEquals("no-store", served.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("application/json", served.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Origin", served.headers().firstValue("Vary").orElseThrow());

        assertTrue(json(assertSameAsJersey(INTROSPECT, form("token", access, "client_id", "app", "client_secret", SECRET)).body())
                .get("active").asBoolean());
        assertTrue(json(assertSameAsJersey(INTROSPECT, form("token", refresh, "token_type_hint", "refresh_token"),
                "Authorization", basic("app", SECRET)).body()).get("active").asBoolean());
        assertEquals(json("{\"active\":false}"), json(assertSameAsJersey(INTROSPECT, form("token", access),
                "Authorization", basic("other", SECRET)).body()));
        assertEquals(json("{\"active\":false}"), json(assertSameAsJersey(INTROSPECT, form("token", "not-a-token"),
                "Authorization", basic("app", SECRET)).body()));
        assertTrue(json(assertSameAsJersey("/t/acme" + INTROSPECT, form("token", acme), "Authorization", basic("app", SECRET)).body())
                .get("active").asBoolean());
        assertEquals(json("{\"active\":false}"), json(assertSameAsJersey("/t/acme" + INTROSPECT, form("token", access),
                "Authorization", basic("app", SECRET)).body()), "another tenant's token");
        // With a charset, as some clients send it.
        assertTrue(json(assertSameAsJersey(INTROSPECT, form("token", access), "Authorization", basic("app", SECRET),
                "Content-Type", "application/x-www-form-urlencoded; charset=UTF-8").body()).get("active").asBoolean());
    }

    @Test
    void introspectWhenRefusedThenJerseysErrorAsBefore() {
        String access = server.passwordLogin("app", "alice").get("access_token").asText();
        String token = form("token", access);

        HttpResponse<String> badBasic = assertSameAsJersey(INTROSPECT, token, "Authorization", basic("app", "wrong-secret"));
        assertError(badBasic, 401, "invalid_client");
        assertTrue(badBasic.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic"), badBasic.headers().map().toString());
        HttpResponse<String> badPost = assertSameAsJersey(INTROSPECT, form("token", access, "client_id", "app", "client_secret", "wrong"));
        assertError(badPost, 401, "invalid_client");
        assertFalse(badPost.headers().firstValue("WWW-Authenticate").isPresent(), "no challenge after a form method");
        assertError(assertSameAsJersey(INTROSPECT, form("token", access, "client_id", "spa")), 401, "invalid_client");
        assertError(assertSameAsJersey(INTROSPECT, token), 401, "invalid_client");
        assertError(assertSameAsJersey(INTROSPECT, "", "Authorization", basic("app", SECRET)), 400, "invalid_request");
        assertError(assertSameAsJersey(INTROSPECT, form("token_type_hint", "access_token"), "Authorization", basic("app", SECRET)),
                400, "invalid_request");
        assertError(assertSameAsJersey(INTROSPECT, form("token", access, "client_secret", SECRET), "Authorization", basic("app", SECRET)),
                400, "invalid_request");
        assertError(assertSameAsJersey(INTROSPECT, "token=%zz", "Authorization", basic("app", SECRET)), 400, "invalid_request");
        assertError(assertSameAsJersey(INTROSPECT, token + "&token=" + access, "Authorization", basic("app", SECRET)), 400, "invalid_request");
        assertError(assertSameAsJersey(INTROSPECT, "{\"token\":\"" + access + "\"}", "Authorization", basic("app", SECRET),
                "Content-Type", "application/json"), 400, "invalid_request");
        assertError(assertSameAsJersey(INTROSPECT, token, "Authorization", basic("app", SECRET),
                "Content-Type", "application/x-www-form-urlencoded; charset=ISO-8859-1"), 400, "invalid_request");
        char[] large = new char[70_000];
        Arrays.fill(large, 'a');
        assertError(assertSameAsJersey(INTROSPECT, token + "&pad=" + new String(large), "Authorization", basic("app", SECRET)),
                413, "invalid_request");
        // Two Authorization headers: Jersey joins them, and the joined value is no Basic credential.
        HttpResponse<String> twice = server.send(HttpRequest.newBuilder(server.uri(INTROSPECT)).POST(HttpRequest.BodyPublishers.ofString(token))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic("app", SECRET)).header("Authorization", basic("app", SECRET)));
        assertTrue(twice.statusCode() == 400 || twice.statusCode() == 401, twice.statusCode() + " " + twice.body());
        assertEquals(404, server.post("/t/nobody" + INTROSPECT, token, "Authorization", basic("app", SECRET)).statusCode());
        assertEquals(405, server.get(INTROSPECT, "Authorization", basic("app", SECRET)).statusCode());
    }

    @Test
    void introspectWhenAllowedOriginThenJerseysCorsAnswer() {
        String access = server.passwordLogin("app", "alice").get("access_token").asText();
        HttpResponse<String> cors = server.post(INTROSPECT, form("token", access), "Authorization", basic("app", SECRET),
                "Origin", "https://app.example");
        assertEquals(200, cors.statusCode(), cors.body());
        assertEquals("https://app.example", cors.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(json(cors.body()).get("active").asBoolean());
    }

    @Test
    void introspectWhenAnsweredThenCountedAsJerseyCounts() {
        String access = server.passwordLogin("app", "alice").get("access_token").asText();
        String success = "identity_http_requests_total\\{endpoint=\"IntrospectionEndpoint\",outcome=\"success\"}";
        String failure = "identity_http_requests_total\\{endpoint=\"IntrospectionEndpoint\",outcome=\"client_error\"}";
        String timed = "identity_http_server_requests_seconds_count\\{endpoint=\"/oauth2/introspect\",method=\"POST\",status=\"2xx\"}";
        double[] before = {server.metric(success), server.metric(failure), server.metric(timed)};
        server.post(INTROSPECT, form("token", access), "Authorization", basic("app", SECRET));
        server.post(INTROSPECT, form("token", "nothing"), "Authorization", basic("app", SECRET));
        server.post(INTROSPECT, form("token", access), "Authorization", basic("app", "wrong-secret"));
        assertEquals(before[0] + 2, server.metric(success));
        assertEquals(before[1] + 1, server.metric(failure));
        assertEquals(before[2] + 2, server.metric(timed));
    }

    /** The database away: 503 with {@code Retry-After}, as Jersey answers it, after one wait for a connection, not two. */
    @Test
    void introspectWhenDatabaseAwayThen503AfterOneWait() throws Exception {
        FrontFilterOutage.assertOneWaitThenServedAgain("introspection_filter_", "POST",
                (outage, token) -> outage.post(INTROSPECT, form("token", token), "Authorization", basic("app", SECRET)));
    }

    /**
     * POSTs {@code body} with {@code headers} without an {@code Origin} (the filter's) and with one no client allows
     * (Jersey's alone), asserts the answers are the same, and returns the first.
     */
    private static HttpResponse<String> assertSameAsJersey(String path, String body, String... headers) {
        HttpResponse<String> front = server.post(path, body, headers);
        String[] withOrigin = Arrays.copyOf(headers, headers.length + 2);
        withOrigin[headers.length] = ELSEWHERE[0];
        withOrigin[headers.length + 1] = ELSEWHERE[1];
        HttpResponse<String> jersey = server.post(path, body, withOrigin);
        assertEquals(jersey.statusCode(), front.statusCode(), path + " " + body);
        assertEquals(headersButDate(jersey), headersButDate(front), path + " " + body);
        assertEquals(jersey.body(), front.body(), path);
        return front;
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(error, json(response.body()).get("error").asText(), response.body());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
    }
}
