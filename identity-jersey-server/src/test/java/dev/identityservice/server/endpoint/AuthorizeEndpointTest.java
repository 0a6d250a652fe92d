package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.client.ClientDescription;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.login.LoginLimits;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthorizeEndpointTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String CHALLENGE = Pkce.challengeOf("a".repeat(43));

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.confidentialClient("web");
        server.publicClient("spa");
        server.user("alice", "user");
        server.user("throttled", "user");
        server.tenant("acme");
        server.save(server.confidential("acme", "web"));
        server.userIn("acme", "bob", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void authorizeWhenClientUnknownThenErrorPageAndNoRedirect() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "nobody",
                "redirect_uri", REDIRECT, "state", "s1"));

        assertErrorPage(response);
    }

    @Test
    void authorizeWhenRedirectUriNotRegisteredExactlyThenErrorPageAndNoRedirect() {
        for (String variant : List.of(REDIRECT + "/", REDIRECT + "/evil", REDIRECT + "x", REDIRECT + "?next=1",
                "https://app.example.com/call", "https://APP.example.com/callback", "https://evil.example/callback")) {
            HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                    "redirect_uri", variant, "state", "s1"));

            assertErrorPage(response);
        }
    }

    /**
     * Found by the OIDF suite (oidcc-registration-logo-uri, -policy-uri, -tos-uri, screenshots for review): the
     * login page showed none of them. OIDC Registration §2: the OP SHOULD show the logo and the two links.
     */
    @Test
    void authorizeWhenClientRegisteredLogoPolicyAndTosThenLoginPageShowsThemAndCspAllowsTheLogo() {
        server.save(server.confidential(Tenant.DEFAULT_ID, "described").name("Described <App>")
                .description(new ClientDescription(List.of(), URI.create("https://cdn.example.com:8443/logo.png?v=1&x=2"), null,
                        URI.create("https://app.example.com/privacy"), URI.create("https://app.example.com/terms"))));

        HttpResponse<String> page = new Browser().get(server.uri("/oauth2/authorize?" + form("response_type", "code",
                "client_id", "described", "redirect_uri", REDIRECT, "state", "s1")));

        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<img class=\"logo\" src=\"https://cdn.example.com:8443/logo.png?v=1&amp;x=2\" "
                + "alt=\"Logo of Described &lt;App&gt;\">"), page.body());
        assertTrue(page.body().contains("href=\"https://app.example.com/privacy\""), page.body());
        assertTrue(page.body().contains("href=\"https://app.example.com/terms\""), page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("img-src 'self' https://cdn.example.com:8443;"), csp);

        HttpResponse<String> plain = new Browser().get(server.uri("/oauth2/authorize?" + form("response_type", "code",
                "client_id", "web", "redirect_uri", REDIRECT, "state", "s1")));
        assertFalse(plain.body().contains("<img"), plain.body());
        assertTrue(plain.headers().firstValue("Content-Security-Policy").orElseThrow().contains("img-src 'self';"));
    }

    @Test
    void authorizeWhenParameterRepeatedThenErrorPage() {
        assertErrorPage(server.get("/oauth2/authorize?response_type=code&client_id=web&client_id=spa"));
    }

    @Test
    void authorizeWhenRedirectUriOmittedAndOneRegisteredThenLoginPageUsesIt() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "web", "state", "s1")));
        Browser.LoginForm form = Browser.loginForm(page.body());

        HttpResponse<String> redirect = browser.post(form.action(), form.withCredentials("alice", PASSWORD));

        assertEquals(302, redirect.statusCode(), redirect.body());
        assertTrue(location(redirect).startsWith(REDIRECT + "?code="));
    }

    @Test
    void authorizeWhenOpenidScopeAsksOfflineAccessThenGrantedToARefreshClientAndRefreshAsksItAgain() {
        // OIDF oidcc-refresh-token-rp-key-rotation asks "openid offline_access" (OIDC Core §11); it was invalid_scope.
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "scope", "openid offline_access", "prompt", "consent", "state", "s1", "code_challenge", CHALLENGE,
                "code_challenge_method", "S256")));
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());

        Map<String, String> query = redirectQuery(browser.post(login.action(), login.withCredentials("alice", PASSWORD)));
        HttpResponse<String> tokens = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", query.get("code"),
                "redirect_uri", REDIRECT, "code_verifier", "a".repeat(43)), "Authorization", TestServer.basic("web", TestServer.SECRET));

        assertEquals(200, tokens.statusCode(), tokens.body());
        var json = TestServer.json(tokens.body());
        assertTrue(json.hasNonNull("refresh_token"), tokens.body());
        assertEquals(Set.of("openid", "offline_access"), Set.of(json.get("scope").asText().split(" ")));
        // The suite's refresh asks the same scope again: no wider than the grant.
        HttpResponse<String> refreshed = server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token",
                json.get("refresh_token").asText(), "scope", "openid offline_access"), "Authorization", TestServer.basic("web", TestServer.SECRET));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
    }

    @Test
    void authorizeWhenPublicClientWithoutCodeChallengeThenRedirectWithInvalidRequestAndState() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "spa",
                "redirect_uri", REDIRECT, "state", "xyz 1"));

        Map<String, String> query = redirectQuery(response);
        assertEquals("invalid_request", query.get("error"));
        assertEquals("xyz 1", query.get("state"));
        assertEquals(server.server.issuer().toString(), query.get("iss"));
        assertTrue(query.containsKey("error_description"));
    }

    @Test
    void authorizeWhenCodeChallengeMethodPlainThenRedirectWithInvalidRequest() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "spa",
                "redirect_uri", REDIRECT, "state", "s", "code_challenge", CHALLENGE, "code_challenge_method", "plain"));

        assertEquals("invalid_request", redirectQuery(response).get("error"));
    }

    @Test
    void authorizeWhenScopeNotRegisteredThenRedirectWithInvalidScope() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", REDIRECT, "state", "s", "scope", "openid admin"));

        Map<String, String> query = redirectQuery(response);
        assertEquals("invalid_scope", query.get("error"));
        assertEquals("s", query.get("state"));
    }

    @Test
    void authorizeWhenResponseTypeTokenThenRedirectWithUnsupportedResponseType() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "token", "client_id", "web",
                "redirect_uri", REDIRECT, "state", "s"));

        assertEquals("unsupported_response_type", redirectQuery(response).get("error"));
    }

    @Test
    void authorizeWhenPromptNoneWithoutSessionThenRedirectWithLoginRequired() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", REDIRECT, "state", "s", "prompt", "none"));

        Map<String, String> query = redirectQuery(response);
        assertEquals("login_required", query.get("error"));
        assertEquals("s", query.get("state"));
    }

    @Test
    void authorizeWhenPostedAsFormThenLoginPageWithSecurityHeaders() {
        HttpResponse<String> response = server.post("/oauth2/authorize", form("response_type", "code", "client_id", "web",
                "redirect_uri", REDIRECT, "state", "s"));

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("form-action 'self' https://app.example.com;"), csp);
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("identity_csrf=")
                && c.contains("HttpOnly") && c.contains("SameSite=Strict")));
    }

    @Test
    void loginPageWhenStateAndLoginHintContainMarkupThenEscaped() {
        String attack = "\"><script>alert(1)</script>";
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", REDIRECT, "state", attack, "login_hint", "<script>alert(2)</script>"));

        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains("<script"), response.body());
        assertTrue(response.body().contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(response.body().contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assertEquals(attack, Browser.loginForm(response.body()).fields().get("state"));
    }

    @Test
    void loginWhenPasswordWrongThenPageRerenderedWithGenericErrorAndNoCode() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorizeUri("web", "s")).body());

        HttpResponse<String> response = browser.post(form.action(), form.withCredentials("alice", "wrong password"));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Location").isEmpty());
        assertTrue(response.body().contains("Invalid username or password."));
        assertTrue(response.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("identity_session")));
        assertTrue(server.metrics().matches("(?s).*identity_logins_failed_total [1-9].*"));
    }

    @Test
    void loginWhenCsrfTokenMissingOrWrongThenForbiddenAndNoLogin() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorizeUri("web", "s")).body());
        Map<String, String> missing = new LinkedHashMap<>(form.fields());
        missing.remove("csrf_token");
        Map<String, String> wrong = new LinkedHashMap<>(form.fields());
        wrong.put("csrf_token", "A".repeat(43));

        for (Map<String, String> fields : List.of(missing, wrong)) {
            HttpResponse<String> response = browser.post(form.action(), Browser.encode(fields) + "&" + form("username", "alice", "password", PASSWORD));

            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Location").isEmpty());
            assertTrue(response.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("identity_session")));
        }
        // Without the cookie (another browser posting the form) the token alone is worthless too.
        HttpResponse<String> foreign = new Browser().post(form.action(), form.withCredentials("alice", PASSWORD));
        assertEquals(403, foreign.statusCode());
    }

    @Test
    void loginWhenSucceededThenSessionCookieHttpOnlyLaxOnTenantPath() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(server.uri("/t/acme/oauth2/authorize?"
                + form("response_type", "code", "client_id", "web", "redirect_uri", REDIRECT, "state", "s"))).body());

        HttpResponse<String> response = browser.post(form.action(), form.withCredentials("bob", PASSWORD));

        assertEquals(302, response.statusCode(), response.body());
        String cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("identity_session_acme="))
                .findFirst().orElseThrow();
        assertTrue(cookie.contains("; HttpOnly"), cookie);
        assertTrue(cookie.contains("; SameSite=Lax"), cookie);
        assertTrue(cookie.contains("; Path=/t/acme;"), cookie);
        assertFalse(cookie.contains("Secure"), cookie);
        assertEquals(server.server.issuer() + "/t/acme", redirectQuery(response).get("iss"));
    }

    @Test
    void authorizeWhenSessionAndPromptLoginOrMaxAgeExceededThenLoginPageElseCode() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorizeUri("web", "s")).body());
        assertEquals(302, browser.post(form.action(), form.withCredentials("alice", PASSWORD)).statusCode());
        String base = "/oauth2/authorize?" + form("response_type", "code", "client_id", "web", "redirect_uri", REDIRECT, "state", "s");

        assertEquals(200, browser.get(server.uri(base + "&prompt=login")).statusCode());
        assertEquals(200, browser.get(server.uri(base + "&max_age=0")).statusCode());
        HttpResponse<String> silent = browser.get(server.uri(base + "&prompt=none&max_age=3600"));
        assertEquals(302, silent.statusCode());
        assertTrue(redirectQuery(silent).containsKey("code"));
    }

    @Test
    void loginWhenCancelledThenRedirectWithAccessDenied() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorizeUri("web", "c")).body());
        Map<String, String> fields = new LinkedHashMap<>(form.fields());
        fields.put("action", "cancel");

        HttpResponse<String> response = browser.post(form.action(), Browser.encode(fields));

        assertEquals("access_denied", redirectQuery(response).get("error"));
        assertEquals("c", redirectQuery(response).get("state"));
    }

    @Test
    void loginWhenHiddenRedirectUriTamperedThenErrorPageNotRedirect() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorizeUri("web", "s")).body());
        Map<String, String> fields = new LinkedHashMap<>(form.fields());
        fields.put("redirect_uri", "https://evil.example/steal");

        HttpResponse<String> response = browser.post(form.action(), Browser.encode(fields) + "&" + form("username", "alice", "password", PASSWORD));

        assertErrorPage(response);
    }

    @Test
    void loginWhenTooManyFailuresThenThrottledEvenWithRightPassword() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorizeUri("web", "s")).body());
        for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
            assertEquals(200, browser.post(form.action(), form.withCredentials("throttled", "wrong")).statusCode());
        }

        HttpResponse<String> response = browser.post(form.action(), form.withCredentials("throttled", PASSWORD));

        assertEquals(429, response.statusCode());
        assertTrue(response.headers().firstValue("Retry-After").isPresent());
        assertTrue(response.headers().firstValue("Location").isEmpty());
    }

    private static URI authorizeUri(String clientId, String state) {
        return server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", clientId, "redirect_uri", REDIRECT,
                "state", state, "scope", "openid"));
    }

    private static void assertErrorPage(HttpResponse<String> response) {
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(response.body().contains("Sign-in request refused"));
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError(
                "no redirect: " + response.statusCode() + " " + response.body()));
    }

    private static Map<String, String> redirectQuery(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        String location = location(response);
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
