package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.CommandLine;
import dev.identityservice.server.ConfigLoader;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.CapturedLog;
import dev.identityservice.server.testing.RawHttp;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 2 (and the number half of kind 15): numbers a client or administrator sends never overflow
 * time arithmetic and are read strictly (digits only); a body that ends early or stalls is the client's
 * mistake, answered 400 (or the connection closed), never a 500 with ERROR lines.
 */
class ClientSuppliedNumbersTest {

    private static final String REDIRECT = "https://app.example.com/callback";

    private static TestServer server;
    private static Browser signedIn;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.idleTimeout(Duration.ofMillis(500)));
        server.confidentialClient("web");
        server.user("alice", "user");
        server.confidentialClient("demo");
        server.user("root", "admin");
        signedIn = new Browser();
        Browser.LoginForm login = Browser.loginForm(signedIn.get(server.uri(authorize(Map.of()))).body());
        assertEquals(302, signedIn.post(login.action(), login.withCredentials("alice", PASSWORD)).statusCode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authorizeWhenMaxAgeHugeOrOverflowingWithLiveSessionThenCodeNot500() {
        for (String maxAge : List.of("9223372036854775807", "9223372036854775808", "99999999999999999999999999999", "31536000000")) {
            HttpResponse<String> response = signedIn.get(server.uri(authorize(Map.of("max_age", maxAge))));

            assertTrue(Redirects.query(response).containsKey("code"), maxAge + ": " + response.headers());
        }
    }

    @Test
    void authorizeWhenMaxAgeZeroThenLoginPageAgain() {
        Redirects.assertLoginPage(signedIn.get(server.uri(authorize(Map.of("max_age", "0")))));
    }

    @Test
    void authorizeWhenMaxAgeSignedNegativeOrNotDigitsThenInvalidRequestOnRedirect() {
        for (String maxAge : List.of("-1", "+5", "-0", " 5", "5 ", "1e3", "0x10", "5.0", "\u0665")) {
            HttpResponse<String> response = signedIn.get(server.uri(authorize(Map.of("max_age", maxAge))));

            Map<String, String> query = Redirects.query(response);
            assertEquals("invalid_request", query.get("error"), "max_age=" + maxAge);
            assertEquals("s", query.get("state"));
        }
    }

    @Test
    void adminWhenPagingNumbersSignedOrOverflowingThen400NamingTheParameter() {
        String token = adminToken();
        for (String query : List.of("limit=+5", "limit=-1", "offset=-0", "offset=99999999999999999999", "limit=9223372036854775808",
                "offset=%2B1")) {
            HttpResponse<String> response = server.get("/admin/users?" + query, "Authorization", "Bearer " + token);

            assertEquals(400, response.statusCode(), query + ": " + response.body());
            assertEquals("invalid_request", json(response.body()).get("error").asText());
        }
        assertEquals(200, server.get("/admin/users?limit=5&offset=0", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void adminWhenDurationsHugeThen400NotOverflowLater() {
        String token = adminToken();
        for (String period : List.of("9999999999999d", "PT9223372036854775807S", "36501d", "3651d", "+30d", "-1d")) {
            HttpResponse<String> response = server.post("/admin/tenants",
                    "{\"id\":\"huge-" + Math.abs(period.hashCode()) + "\",\"rotationPeriod\":\"" + period + "\"}",
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");

            assertEquals(400, response.statusCode(), period + ": " + response.body());
            assertTrue(json(response.body()).get("error_description").asText().contains("rotationPeriod"), response.body());
        }
        for (String max : List.of("99999999999d", "3651d")) {
            HttpResponse<String> response = server.post("/admin/clients", """
                    {"clientId":"sliding-%s","grantTypes":["client_credentials","refresh_token","password"],
                     "refreshPolicy":{"type":"sliding","ttl":"30d","max":"%s"}}""".formatted(max.length(), max),
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");

            assertEquals(400, response.statusCode(), max + ": " + response.body());
        }
    }

    @Test
    void tokenWhenBodyShorterThanContentLengthThen400OrClosedWithoutErrorLog() {
        String body = "grant_type=client_credentials";
        try (CapturedLog log = new CapturedLog()) {
            RawHttp.Exchange exchange = RawHttp.send(server.server.port(), "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: " + basic("web", SECRET) + "\r\n"
                    + "Content-Length: 500\r\n\r\n" + body, true, Duration.ofSeconds(10));

            assertTrue(exchange.status() == 400 || exchange.status() == -1 && exchange.closedByServer(), exchange.response());
            awaitQuiet();
            assertEquals(List.of(), log.at("ERROR"));
            // Exactly one line, which also shows that the capture sees the server's log.
            assertEquals(1, log.at("WARN").size(), log.lines().toString());
        }
    }

    @Test
    void tokenWhenBodyStallsThen400AfterIdleTimeoutWithoutErrorLog() {
        try (CapturedLog log = new CapturedLog()) {
            RawHttp.Exchange exchange = RawHttp.send(server.server.port(), "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ngrant_type=", false,
                    Duration.ofSeconds(10));

            assertTrue(exchange.closedByServer(), "the stalled connection is closed: " + exchange.response());
            assertTrue(exchange.status() == 400 || exchange.status() == -1, exchange.response());
            awaitQuiet();
            assertEquals(List.of(), log.at("ERROR"));
            assertTrue(log.at("WARN").size() <= 1, log.lines().toString());
        }
    }

    @Test
    void adminWhenJsonBodyTruncatedThen400OrClosedWithoutErrorLog() {
        String token = adminToken();
        try (CapturedLog log = new CapturedLog()) {
            RawHttp.Exchange exchange = RawHttp.send(server.server.port(), "POST /admin/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"
                    + "Content-Length: 400\r\n\r\n{\"username\":", true, Duration.ofSeconds(10));

            assertTrue(exchange.status() == 400 || exchange.status() == -1 && exchange.closedByServer(), exchange.response());
            awaitQuiet();
            assertEquals(List.of(), log.at("ERROR"));
        }
    }

    @Test
    void everyBodyReadingEndpointWhenBodyTruncatedThenNo500AndNoErrorLog() {
        for (String path : List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/authorize", "/oauth2/authorize/login",
                "/oauth2/logout", "/oauth2/userinfo", "/t/nobody/oauth2/token", "/no/such/path")) {
            try (CapturedLog log = new CapturedLog()) {
                RawHttp.Exchange exchange = RawHttp.send(server.server.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 300\r\n\r\nclient_id=web&x=", true,
                        Duration.ofSeconds(10));

                assertTrue(exchange.status() != 500 && (exchange.status() != -1 || exchange.closedByServer()), path + ": " + exchange.response());
                awaitQuiet();
                assertEquals(List.of(), log.at("ERROR"), path);
                assertTrue(log.at("WARN").size() <= 1, path + ": " + log.lines());
            }
        }
    }

    @Test
    void tokensWhenClaimsCarryOverflowingTimesThenRefusedNot500() {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String claims : List.of("{\"exp\":99999999999999999999999,\"iat\":1,\"aud\":\"web\",\"sub\":\"a\"}",
                "{\"exp\":9223372036854775807,\"iat\":-9223372036854775808,\"nbf\":1e308,\"aud\":\"web\"}",
                "{\"exp\":-1e400,\"aud\":[\"web\"],\"auth_time\":9223372036854775807}")) {
            String jwt = header + "." + b64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[64]);
            List<HttpResponse<String>> responses = List.of(
                    server.get("/oauth2/userinfo", "Authorization", "Bearer " + jwt),
                    server.post("/oauth2/introspect", form("token", jwt), "Authorization", basic("web", SECRET)),
                    server.post("/oauth2/revoke", form("token", jwt), "Authorization", basic("web", SECRET)),
                    server.get("/oauth2/logout?" + form("id_token_hint", jwt)),
                    server.get("/oauth2/logout?" + form("id_token_hint", jwt, "client_id", "web")),
                    signedIn.get(server.uri(authorize(Map.of("id_token_hint", jwt)))),
                    server.get("/admin/users", "Authorization", "Bearer " + jwt));
            for (HttpResponse<String> response : responses) {
                assertTrue(response.statusCode() < 500, response.uri() + " " + claims + ": " + response.statusCode() + " " + response.body());
            }
        }
    }

    @Test
    void tokenWhenChunkedBodyBrokenThen400WithoutErrorLog() {
        try (CapturedLog log = new CapturedLog()) {
            RawHttp.Exchange exchange = RawHttp.send(server.server.port(), "POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\ngrant_type\r\n", true, Duration.ofSeconds(10));

            assertTrue(exchange.status() == 400 || exchange.status() == -1 && exchange.closedByServer(), exchange.response());
            awaitQuiet();
            assertEquals(List.of(), log.at("ERROR"));
        }
    }

    @Test
    void configWhenNumbersSignedOrDurationsHugeThenStartRefusedNamingTheKey() {
        Map<String, String> bad = Map.of(
                "--port", "+8080",
                "--db-pool-size", "-1",
                "--password-hash-iterations", "99999999999",
                "--key-rotation-period", "9999999999999d",
                "--access-token-ttl", "PT9223372036854775807S",
                "--shutdown-timeout", "3650d",
                "--http-idle-timeout", "+5s");
        bad.forEach((flag, value) -> {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ConfigLoader.load(CommandLine.parse(flag, value), name -> null), flag + " " + value);
            assertTrue(e.getMessage().startsWith(flag.substring(2).replace('-', '.')), e.getMessage());
        });
    }

    @Test
    void importWhenDurationsHugeThenStartRefusedNamingTheFieldNotOverflowLater(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        for (String entry : List.of(
                "\"tenants\":[{\"id\":\"big\",\"rotationPeriod\":\"99999999999999d\"}]",
                "\"clients\":[{\"clientId\":\"c\",\"secret\":\"" + SECRET + "\",\"grantTypes\":[\"client_credentials\"],"
                        + "\"refreshPolicy\":{\"type\":\"sliding\",\"ttl\":\"30d\",\"max\":\"PT9223372036854775807S\"}}]",
                "\"clients\":[{\"clientId\":\"c\",\"secret\":\"" + SECRET + "\",\"grantTypes\":[\"client_credentials\"],"
                        + "\"accessTokenTtl\":\"+10m\"}]")) {
            java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("setup-" + Math.abs(entry.hashCode()) + ".json"), "{" + entry + "}");

            RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> TestServer.start(b -> b.importFile(file.toString())).close(), entry);
            assertTrue(e instanceof IllegalArgumentException || e.getCause() instanceof IllegalArgumentException, e.toString());
            assertTrue(e.getMessage().matches("(?s).*(rotationPeriod|refreshPolicy|absoluteMax|accessTokenTtl).*"), e.getMessage());
        }
    }

    /** An access token for the management API: role admin, through the client named by admin.audience (demo). */
    static String adminToken(TestServer server) {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "password",
                "username", "root", "password", PASSWORD), "Authorization", basic("demo", SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body()).get("access_token").asText();
    }

    private static String adminToken() {
        return adminToken(server);
    }

    /** Lets a request that the server is still finishing write its log lines. */
    private static void awaitQuiet() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String authorize(Map<String, String> extra) {
        StringBuilder query = new StringBuilder("/oauth2/authorize?")
                .append(form("response_type", "code", "client_id", "web", "redirect_uri", REDIRECT, "state", "s", "scope", "openid"));
        extra.forEach((k, v) -> query.append('&').append(form(k, v)));
        return query.toString();
    }
}
