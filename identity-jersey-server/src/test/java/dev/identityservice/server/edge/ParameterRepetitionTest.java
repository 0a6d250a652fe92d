package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 1: repetition is refused only for the parameters an endpoint defines (RFC 6749 §3.1, §3.2);
 * unknown parameters, and RFC 8707 §2 {@code resource}, may repeat. Every endpoint that reads a form or a
 * query string: token, introspection, revocation, authorize (GET and POST), login, logout, userinfo (POST),
 * and the management API's query parameters; and, the same kind in JSON, a field given twice in a management
 * API body or the import file.
 */
class ParameterRepetitionTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String CLIENT_CREDENTIALS = form("grant_type", "client_credentials", "scope", "api");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("web");
        server.confidentialClient("demo");
        server.user("alice", "user");
        server.user("root", "admin");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenResourceOrUnknownParameterRepeatedThenIssued() {
        for (String extra : List.of("resource=https%3A%2F%2Fa.example&resource=https%3A%2F%2Fb.example", "unknown=1&unknown=2",
                "audience=x&audience=y")) {
            HttpResponse<String> response = server.post("/oauth2/token", CLIENT_CREDENTIALS + "&" + extra, "Authorization", basic("web", SECRET));

            assertEquals(200, response.statusCode(), extra + ": " + response.body());
        }
    }

    @Test
    void tokenWhenDefinedParameterRepeatedThenInvalidRequestNamingIt() {
        Map<String, String> repeated = Map.of(
                "grant_type", "grant_type=client_credentials&grant_type=client_credentials&scope=api",
                "scope", "grant_type=client_credentials&scope=api&scope=api",
                "client_id", "grant_type=client_credentials&client_id=web&client_id=web&client_secret=" + SECRET,
                "client_secret", "grant_type=client_credentials&client_id=web&client_secret=" + SECRET + "&client_secret=" + SECRET,
                "password", form("grant_type", "password", "username", "alice", "password", PASSWORD, "password", PASSWORD),
                "refresh_token", "grant_type=refresh_token&refresh_token=a&refresh_token=b",
                "code", "grant_type=authorization_code&code=a&code=b&redirect_uri=x");
        repeated.forEach((name, body) -> {
            String[] basicAuth = name.startsWith("client_") ? new String[0] : new String[] {"Authorization", basic("web", SECRET)};
            HttpResponse<String> response = server.post("/oauth2/token", body, basicAuth);

            assertEquals(400, response.statusCode(), name + ": " + response.body());
            assertEquals("invalid_request", json(response.body()).get("error").asText());
            assertTrue(json(response.body()).get("error_description").asText().contains("'" + name + "'"), response.body());
        });
    }

    @Test
    void introspectAndRevokeWhenTokenRepeatedThen400ElseUnknownRepeatsIgnored() {
        String token = json(server.post("/oauth2/token", CLIENT_CREDENTIALS, "Authorization", basic("web", SECRET)).body())
                .get("access_token").asText();
        for (String endpoint : List.of("/oauth2/introspect", "/oauth2/revoke")) {
            HttpResponse<String> repeated = server.post(endpoint, form("token", token, "token", token), "Authorization", basic("web", SECRET));
            HttpResponse<String> hint = server.post(endpoint, form("token", token, "token_type_hint", "access_token",
                    "token_type_hint", "refresh_token"), "Authorization", basic("web", SECRET));
            HttpResponse<String> unknown = server.post(endpoint, form("token", token, "extra", "1", "extra", "2"),
                    "Authorization", basic("web", SECRET));

            assertEquals(400, repeated.statusCode(), endpoint + ": " + repeated.body());
            assertEquals("invalid_request", json(repeated.body()).get("error").asText());
            assertEquals(400, hint.statusCode(), endpoint + ": " + hint.body());
            assertEquals(200, unknown.statusCode(), endpoint + ": " + unknown.body());
        }
    }

    @Test
    void authorizeWhenDefinedParameterRepeatedThenErrorPageForGetAndPost() {
        for (String repeat : List.of("client_id=web", "state=t", "redirect_uri=" + enc(REDIRECT), "scope=openid", "max_age=5",
                "prompt=login", "nonce=n", "code_challenge=x", "id_token_hint=x&id_token_hint=y", "response_type=code")) {
            String query = authorizeQuery() + "&" + repeat + (repeat.contains("&") ? "" : "&" + repeat);

            Redirects.assertErrorPage(server.get("/oauth2/authorize?" + query));
            Redirects.assertErrorPage(server.post("/oauth2/authorize", query));
        }
    }

    @Test
    void authorizeWhenResourceOrUnknownParameterRepeatedThenLoginPage() {
        String query = authorizeQuery() + "&resource=https%3A%2F%2Fa.example&resource=https%3A%2F%2Fb.example&foo=1&foo=2";

        Redirects.assertLoginPage(server.get("/oauth2/authorize?" + query));
        Redirects.assertLoginPage(server.post("/oauth2/authorize", query));
    }

    @Test
    void loginWhenUsernameOrPasswordRepeatedThenErrorPageAndNoSession() {
        Browser browser = new Browser();
        Browser.LoginForm login = Browser.loginForm(browser.get(server.uri("/oauth2/authorize?" + authorizeQuery())).body());
        for (String extra : List.of(form("username", "alice"), form("password", PASSWORD))) {
            HttpResponse<String> response = browser.post(login.action(), login.withCredentials("alice", PASSWORD) + "&" + extra);

            Redirects.assertErrorPage(response);
            assertTrue(response.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("identity_session")));
        }
        HttpResponse<String> unknownRepeated = browser.post(login.action(), login.withCredentials("alice", PASSWORD) + "&x=1&x=2");
        assertTrue(Redirects.query(unknownRepeated).containsKey("code"));
    }

    @Test
    void logoutWhenDefinedParameterRepeatedThenRefusedElseIgnored() {
        for (String query : List.of("client_id=web&client_id=web", "state=a&state=b",
                "post_logout_redirect_uri=" + enc(REDIRECT) + "&post_logout_redirect_uri=" + enc(REDIRECT))) {
            HttpResponse<String> get = server.get("/oauth2/logout?" + query);
            HttpResponse<String> post = server.post("/oauth2/logout", query);

            assertEquals(400, get.statusCode(), query);
            assertEquals(400, post.statusCode(), query);
        }
        assertEquals(200, server.get("/oauth2/logout?x=1&x=2").statusCode());
    }

    @Test
    void userinfoPostWhenBodyHasRepeatedParametersThenStillAnsweredByTheBearerHeader() {
        String token = server.passwordLogin("web", "alice").get("access_token").asText();

        HttpResponse<String> response = server.post("/oauth2/userinfo", "x=1&x=2&scope=a&scope=b", "Authorization", "Bearer " + token);

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void adminListWhenPagingParameterRepeatedOrUnknownThen400() {
        String token = ClientSuppliedNumbersTest.adminToken(server);
        for (String query : List.of("limit=1&limit=200", "offset=0&offset=50")) {
            HttpResponse<String> users = server.get("/admin/users?" + query, "Authorization", "Bearer " + token);
            HttpResponse<String> clients = server.get("/admin/clients?" + query, "Authorization", "Bearer " + token);

            assertEquals(400, users.statusCode(), query + ": " + users.body());
            assertEquals(400, clients.statusCode(), query + ": " + clients.body());
        }
        // Issue 14 item 8: an unknown parameter (a misspelt filter) is refused, not ignored with the whole list.
        HttpResponse<String> unknown = server.get("/admin/users?x=1&x=2&limit=1", "Authorization", "Bearer " + token);
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(json(unknown.body()).get("error_description").asText().contains("'x'"), unknown.body());
    }

    @Test
    void adminJsonWhenFieldRepeatedThen400NamingIt() {
        String token = ClientSuppliedNumbersTest.adminToken(server);
        for (String body : List.of("{\"username\":\"eve\",\"username\":\"root2\",\"password\":\"a long passphrase 1\"}",
                "{\"username\":\"eve\",\"password\":\"a long passphrase 1\",\"profile\":{\"email\":\"a@x\",\"email\":\"b@x\"}}")) {
            HttpResponse<String> response = server.post("/admin/users", body, "Authorization", "Bearer " + token,
                    "Content-Type", "application/json");

            assertEquals(400, response.statusCode(), response.body());
            assertTrue(json(response.body()).get("error_description").asText().endsWith("is repeated"), response.body());
        }
        assertEquals(404, server.get("/admin/users/eve", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void importFileWhenFieldRepeatedThenStartRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("setup.json"),
                "{\"users\":[{\"username\":\"a\",\"username\":\"b\",\"password\":\"a long passphrase 1\"}]}");

        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TestServer.start(b -> b.importFile(file.toString())).close());
        assertTrue(e.getMessage().contains("Duplicate field 'username'"), e.getMessage());
    }

    private static String authorizeQuery() {
        return form("response_type", "code", "client_id", "web", "redirect_uri", REDIRECT, "state", "s", "scope", "openid");
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
