package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9126 §6 {@code require_pushed_authorization_requests}: per client (management API, import file, dynamic
 * registration) and server-wide ({@code par.required}, advertised in discovery). A client that requires pushed
 * requests gets {@code invalid_request} for a request in the query or a request object, and signs in through a
 * pushed request's {@code request_uri}. Real server, real HTTP.
 */
class PushedAuthorizationRequiredTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String CHALLENGE = Pkce.challengeOf("v".repeat(43));

    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.registrationMode("open"));
        server.confidentialClient("demo");
        server.user("root", "admin");
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authorizeWhenClientRequiresParAndRequestInQueryThenInvalidRequestAndParSignsIn() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "par-only").requirePushedAuthorizationRequests(true));

        HttpResponse<String> direct = server.get("/oauth2/authorize?" + query("par-only"));
        assertEquals(302, direct.statusCode(), direct.body());
        String location = direct.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?") && location.contains("error=invalid_request"), location);
        assertFalse(location.contains("code="), location);

        assertEquals(200, loginPageThroughPar("par-only").statusCode());
        assertFalse(json(server.get("/.well-known/openid-configuration").body()).get("require_pushed_authorization_requests").asBoolean(),
                "one client's requirement is not the server's");
    }

    @Test
    void authorizeWhenClientDoesNotRequireParThenQueryStillWorks() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "par-optional"));

        HttpResponse<String> direct = server.get("/oauth2/authorize?" + query("par-optional"));

        assertEquals(200, direct.statusCode(), "the login page");
    }

    @Test
    void adminApiWhenRequirePushedAuthorizationRequestsSetThenStoredShownAndEnforced() {
        String admin = server.passwordLogin("demo", "root").get("access_token").asText();
        HttpResponse<String> created = send("POST", "/admin/clients", admin, """
                {"clientId":"admin-par","secret":"%s","grantTypes":["authorization_code"],"redirectUris":["%s"],
                 "scopes":["openid"],"requirePushedAuthorizationRequests":true}""".formatted(SECRET, REDIRECT));
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(json(created.body()).get("requirePushedAuthorizationRequests").asBoolean(), created.body());
        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, "admin-par").orElseThrow().requirePushedAuthorizationRequests());
        assertTrue(server.get("/oauth2/authorize?" + query("admin-par")).headers().firstValue("Location").orElse("")
                .contains("error=invalid_request"));
    }

    @Test
    void importWhenRequirePushedAuthorizationRequestsTrueThenStored() throws IOException {
        Path file = Files.writeString(dir.resolve("setup.json"), """
                {"clients":[{"clientId":"imported-par","secret":"%s","grantTypes":["authorization_code"],
                 "redirectUris":["%s"],"requirePushedAuthorizationRequests":true}]}""".formatted(SECRET, REDIRECT));

        new dev.identityservice.server.setup.SetupImporter(server.server.engine(), server.server.issuer(), java.time.Duration.ofMinutes(5))
                .apply(dev.identityservice.server.setup.SetupFile.read(file));

        assertTrue(server.server.engine().clients().find(Tenant.DEFAULT_ID, "imported-par").orElseThrow().requirePushedAuthorizationRequests());
    }

    @Test
    void registerWhenRequirePushedAuthorizationRequestsGivenThenEchoedAndEnforced() {
        HttpResponse<String> registered = server.post("/oauth2/register", """
                {"redirect_uris":["%s"],"require_pushed_authorization_requests":true}""".formatted(REDIRECT),
                "Content-Type", "application/json");
        assertEquals(201, registered.statusCode(), registered.body());
        JsonNode body = json(registered.body());
        assertTrue(body.get("require_pushed_authorization_requests").asBoolean(), registered.body());
        String clientId = body.get("client_id").asText();
        assertTrue(server.get("/oauth2/authorize?" + query(clientId)).headers().firstValue("Location").orElse("")
                .contains("error=invalid_request"));

        HttpResponse<String> plain = server.post("/oauth2/register", "{\"redirect_uris\":[\"" + REDIRECT + "\"]}",
                "Content-Type", "application/json");
        assertFalse(json(plain.body()).get("require_pushed_authorization_requests").asBoolean(), plain.body());

        HttpResponse<String> bad = server.post("/oauth2/register", """
                {"redirect_uris":["%s"],"require_pushed_authorization_requests":"yes"}""".formatted(REDIRECT),
                "Content-Type", "application/json");
        assertEquals(400, bad.statusCode());
        assertEquals("invalid_client_metadata", json(bad.body()).get("error").asText());
    }

    @Test
    void serverWideWhenParRequiredThenDiscoverySaysSoAndEveryClientMustPush() {
        try (TestServer strict = TestServer.start(b -> b.parRequired(true))) {
            strict.confidentialClient("any");
            assertTrue(json(strict.get("/.well-known/openid-configuration").body()).get("require_pushed_authorization_requests").asBoolean());

            HttpResponse<String> direct = strict.get("/oauth2/authorize?" + query("any"));
            assertTrue(direct.headers().firstValue("Location").orElse("").contains("error=invalid_request"), direct.body());

            HttpResponse<String> pushed = strict.post("/oauth2/par", query("any"), "Authorization", basic("any", SECRET));
            assertEquals(201, pushed.statusCode(), pushed.body());
            HttpResponse<String> page = strict.get("/oauth2/authorize?" + form("client_id", "any",
                    "request_uri", json(pushed.body()).get("request_uri").asText()));
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains("password"), "the login page");
        }
    }

    @Test
    void loginWhenClientRequiresParAndFormCarriesUnpushedParametersThenNoCode() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "par-forged").requirePushedAuthorizationRequests(true));
        server.save(server.confidential(Tenant.DEFAULT_ID, "par-free"));
        // The attacker's browser: a login form (and CSRF cookie) of a client that need not push, whose hidden
        // fields are then replaced with a request for the client that must push, never pushed by it.
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + query("par-free")));
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>(login.fields());
        fields.put("client_id", "par-forged");
        fields.put("state", "forged");
        fields.put("username", "alice");
        fields.put("password", PASSWORD);

        HttpResponse<String> signedIn = browser.post(login.action(), Browser.encode(fields));

        String location = signedIn.headers().firstValue("Location").orElse("");
        assertFalse(location.contains("code="), "a request that was never pushed got a code: " + location);
        assertTrue(location.contains("error=invalid_request"), signedIn.statusCode() + " " + location + " " + signedIn.body());
    }

    @Test
    void loginWhenPushedRequestsHiddenFieldsAreChangedThenNoCode() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "par-tamper").requirePushedAuthorizationRequests(true));
        HttpResponse<String> pushed = server.post("/oauth2/par", query("par-tamper"), "Authorization", basic("par-tamper", SECRET));
        assertEquals(201, pushed.statusCode(), pushed.body());
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("client_id", "par-tamper",
                "request_uri", json(pushed.body()).get("request_uri").asText())));
        Browser.LoginForm login = Browser.loginForm(page.body());
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>(login.fields());
        // The client pushed a PKCE challenge; the browser swaps in its own (and its own state).
        fields.put("code_challenge", Pkce.challengeOf("w".repeat(43)));
        fields.put("state", "swapped");
        fields.put("username", "alice");
        fields.put("password", PASSWORD);

        HttpResponse<String> signedIn = browser.post(login.action(), Browser.encode(fields));

        String location = signedIn.headers().firstValue("Location").orElse("");
        assertFalse(location.contains("code="), "changed pushed parameters got a code: " + location);
    }

    // ---- helpers

    private static String query(String clientId) {
        return form("response_type", "code", "client_id", clientId, "redirect_uri", REDIRECT, "scope", "openid",
                "state", "s", "code_challenge", CHALLENGE, "code_challenge_method", "S256");
    }

    private static HttpResponse<String> loginPageThroughPar(String clientId) {
        HttpResponse<String> pushed = server.post("/oauth2/par", query(clientId), "Authorization", basic(clientId, SECRET));
        assertEquals(201, pushed.statusCode(), pushed.body());
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("client_id", clientId,
                "request_uri", json(pushed.body()).get("request_uri").asText())));
        Browser.LoginForm login = Browser.loginForm(page.body());
        HttpResponse<String> signedIn = browser.post(login.action(), login.withCredentials("alice", PASSWORD));
        assertEquals(302, signedIn.statusCode(), signedIn.body());
        assertTrue(signedIn.headers().firstValue("Location").orElse("").contains("code="), signedIn.headers().map().toString());
        return page;
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), "Authorization", "Bearer " + token);
    }
}
