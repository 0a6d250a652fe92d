package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.json;
import static dev.identityservice.server.testing.TestServer.headersButDate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link UserInfoFilter} answers a good bearer {@code GET} of UserInfo in front of Jersey; {@code HEAD} and
 * {@code POST} still go through Jersey's {@link UserInfoEndpoint}, whose answers for a {@code GET} are the same. So
 * the filter's headers are compared with Jersey's {@code HEAD} and its body with Jersey's {@code POST}, for the
 * default tenant and another, JSON and signed; every refusal is Jersey's as before, answered from the filter's one
 * check of the token (a database outage waits one connection timeout, not two).
 */
class UserInfoFilterTest {

    private static final String USERINFO = "/oauth2/userinfo";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("app");
        server.save(server.confidential(Tenant.DEFAULT_ID, "signed").userinfoSignedResponseAlg(SigningAlgorithm.RS256));
        server.save(server.confidential(Tenant.DEFAULT_ID, "browser").allowedOrigins(Set.of("https://app.example")));
        server.user("alice", "user");
        server.tenant("acme");
        server.save(server.confidential("acme", "app"));
        server.userIn("acme", "bob");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void getWhenTokenGoodThenJerseysHeadersAndBody() {
        Map<String, String> tokens = Map.of(USERINFO, token("", "app", "alice"), "/t/acme" + USERINFO, token("/t/acme", "app", "bob"),
                "/t/default" + USERINFO, token("", "app", "alice"));
        tokens.forEach((path, token) -> {
            String[] bearer = {"Authorization", "Bearer " + token};
            HttpResponse<String> served = server.get(path, bearer);
            assertEquals(200, served.statusCode(), path + " " + served.body());
            assertEquals(headersButDate(server.head(path, bearer)), headersButDate(served), path);
            assertEquals("application/json", served.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-store", served.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("Origin", served.headers().firstValue("Vary").orElseThrow());
            assertEquals(server.post(path, "", bearer).body(), served.body(), path);
            assertTrue(json(served.body()).get("email").asText().endsWith("@example.com"), served.body());
        });
        String[] signed = {"Authorization", "Bearer " + token("", "signed", "alice")};
        HttpResponse<String> jwt = server.get(USERINFO, signed);
        assertEquals(200, jwt.statusCode(), jwt.body());
        assertEquals(headersButDate(server.head(USERINFO, signed)), headersButDate(jwt));
        assertEquals("application/jwt", jwt.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(3, jwt.body().split("\\.").length, jwt.body());
    }

    @Test
    void getWhenRefusedThenJerseysChallengesAsBefore() {
        String good = token("", "app", "alice");
        String[] parts = good.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertChallenge(server.get(USERINFO, "Authorization", "Bearer " + forged), 401, "error=\"invalid_token\"");
        // Another tenant's token: signed with other keys, so not a token of this one.
        assertChallenge(server.get("/t/acme" + USERINFO, "Authorization", "Bearer " + good), 401, "error=\"invalid_token\"");
        String noOpenid = json(server.post("/oauth2/token", TestServer.form("grant_type", "password", "username", "alice",
                "password", TestServer.PASSWORD, "scope", "api"), "Authorization", TestServer.basic("app", TestServer.SECRET)).body())
                .get("access_token").asText();
        assertChallenge(server.get(USERINFO, "Authorization", "Bearer " + noOpenid), 403, "insufficient_scope");
        HttpResponse<String> none = server.get(USERINFO);
        assertChallenge(none, 401, "Bearer realm=");
        assertFalse(none.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error="));
        assertChallenge(server.get(USERINFO, "Authorization", "Bearer a b c"), 400, "error=\"invalid_request\"");
        assertChallenge(server.get(USERINFO, "Authorization", "Basic " + good), 401, "Bearer realm=");
        // Two headers: Jersey joins them, and a joined value is no token.
        HttpResponse<String> twice = server.send(HttpRequest.newBuilder(server.uri(USERINFO)).GET()
                .header("Authorization", "Bearer " + good).header("Authorization", "Bearer " + good));
        assertChallenge(twice, 400, "error=\"invalid_request\"");
        assertEquals(404, server.get("/t/nobody" + USERINFO, "Authorization", "Bearer " + good).statusCode());
    }

    @Test
    void getWhenNotForTheFilterThenJerseyAnswersAsBefore() {
        String token = token("", "browser", "alice");
        HttpResponse<String> cors = server.get(USERINFO, "Authorization", "Bearer " + token, "Origin", "https://app.example");
        assertEquals(200, cors.statusCode(), cors.body());
        assertEquals("https://app.example", cors.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        HttpResponse<String> otherOrigin = server.get(USERINFO, "Authorization", "Bearer " + token, "Origin", "https://evil.example");
        assertEquals(200, otherOrigin.statusCode());
        assertTrue(otherOrigin.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), otherOrigin.headers().map().toString());
        HttpResponse<String> slash = server.get(USERINFO + "/", "Authorization", "Bearer " + token);
        assertEquals(200, slash.statusCode(), slash.body());
        assertEquals(server.get(USERINFO, "Authorization", "Bearer " + token).body(), slash.body());
    }

    @Test
    void getWhenAnsweredThenCountedAsJerseyCounts() {
        String token = token("", "app", "alice");
        String success = "identity_http_requests_total\\{endpoint=\"UserInfoEndpoint\",outcome=\"success\"}";
        String failure = "identity_http_requests_total\\{endpoint=\"UserInfoEndpoint\",outcome=\"client_error\"}";
        String timed = "identity_http_server_requests_seconds_count\\{endpoint=\"/oauth2/userinfo\",method=\"GET\",status=\"2xx\"}";
        double[] before = {server.metric(success), server.metric(failure), server.metric(timed)};
        server.get(USERINFO, "Authorization", "Bearer " + token);
        server.get("/t/acme" + USERINFO, "Authorization", "Bearer " + token("/t/acme", "app", "bob"));
        server.get(USERINFO, "Authorization", "Bearer " + token + "x");
        assertEquals(before[0] + 2, server.metric(success));
        assertEquals(before[1] + 1, server.metric(failure));
        assertEquals(before[2] + 2, server.metric(timed));
    }

    /**
     * The database away while the filter reads the token's user: 503 {@code temporarily_unavailable} with
     * {@code Retry-After}, as Jersey answers it, after one wait for a connection (2 s), not a second one in Jersey.
     */
    @Test
    void getWhenDatabaseAwayThen503AfterOneWait() throws Exception {
        FrontFilterOutage.assertOneWaitThenServedAgain("userinfo_filter_", "GET",
                (outage, token) -> outage.get(USERINFO, "Authorization", "Bearer " + token));
    }

    private static String token(String tenantPath, String clientId, String username) {
        HttpResponse<String> response = server.post(tenantPath + "/oauth2/token", TestServer.form("grant_type", "password",
                "username", username, "password", TestServer.PASSWORD, "scope", "openid profile email"),
                "Authorization", TestServer.basic(clientId, TestServer.SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body()).get("access_token").asText();
    }

    private static void assertChallenge(HttpResponse<String> response, int status, String inChallenge) {
        assertEquals(status, response.statusCode(), response.body());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.contains(inChallenge), challenge);
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
    }
}
