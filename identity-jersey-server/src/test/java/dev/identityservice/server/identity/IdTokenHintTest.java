package dev.identityservice.server.identity;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kind: an {@code id_token_hint} believed or ignored where it names someone (issue 11 items 6 and 7). At the
 * authorization endpoint a hint of another user than the session's is no session (OIDC Core §3.1.2.1); at
 * logout only a hint of the session's own user stands for the user's consent, and every "signed out" ends the
 * server session and its refresh tokens.
 */
class IdTokenHintTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String SIGNED_OUT = "https://app.example.com/bye";
    /** Registered on "other" only: a logout naming "web" must never be sent here. */
    private static final String OTHER_SIGNED_OUT = "https://other.example.com/bye";

    private static TestServer server;
    private static String aliceId;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").postLogoutRedirectUris(List.of(SIGNED_OUT)));
        server.save(server.confidential(Tenant.DEFAULT_ID, "other").postLogoutRedirectUris(List.of(OTHER_SIGNED_OUT)));
        aliceId = server.user("alice").id();
        server.user("carol");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- the authorization endpoint ---

    @Test
    void authorizeWhenPromptNoneAndHintNamesAnotherUserThanTheSessionsThenLoginRequired() {
        Browser alice = signedIn("alice");

        String location = redirect(alice.get(authorize("prompt", "none", "id_token_hint", idToken("web", "carol"))));

        assertEquals("login_required", parameter(location, "error"));
        assertNull(parameter(location, "code"));
    }

    @Test
    void authorizeWhenHintNamesAnotherUserWithoutPromptNoneThenFreshLoginPageNotACode() {
        Browser alice = signedIn("alice");

        HttpResponse<String> response = alice.get(authorize("id_token_hint", idToken("web", "carol")));

        assertEquals(200, response.statusCode());
        Browser.LoginForm form = Browser.loginForm(response.body());
        assertTrue(form.fields().containsKey("id_token_hint"), "the hint is carried through the login form");
        HttpResponse<String> loggedIn = alice.post(form.action(), form.withCredentials("carol", PASSWORD));
        assertTrue(parameter(redirect(loggedIn), "code") != null, loggedIn.body());
    }

    /**
     * OIDC Core §3.1.2.1: when the user the hint names is neither logged in nor logged in by the request, the
     * server SHOULD return an error. Found in review: the fresh login page accepted any account, and the client
     * that asked for carol got a code for alice.
     */
    @Test
    void authorizeWhenHintNamesCarolAndTheFreshLoginIsAliceThenErrorNotACodeForAlice() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(authorize("id_token_hint", idToken("web", "carol")));
        Browser.LoginForm form = Browser.loginForm(page.body());

        String location = redirect(browser.post(form.action(), form.withCredentials("alice", PASSWORD)));

        assertNull(parameter(location, "code"), location);
        assertEquals("login_required", parameter(location, "error"));
        assertEquals("s", parameter(location, "state"));
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        assertEquals("login_required", parameter(redirect(browser.get(authorize("prompt", "none"))), "error"),
                "no session was started for alice by a request that asked for carol (SECURITY.md)");
    }

    @Test
    void authorizeWhenSessionUserSignsInAgainAgainstAHintForAnotherUserThenLoginRequiredAndTheSessionKept() {
        Browser alice = signedIn("alice");
        String refresh = refreshTokenOfSession(alice);
        Browser.LoginForm form = Browser.loginForm(alice.get(authorize("id_token_hint", idToken("web", "carol"))).body());

        String location = redirect(alice.post(form.action(), form.withCredentials("alice", PASSWORD)));

        assertEquals("login_required", parameter(location, "error"));
        assertNull(parameter(location, "code"), location);
        assertTrue(parameter(redirect(alice.get(authorize("prompt", "none"))), "code") != null,
                "the browser's session is neither ended nor replaced");
        assertEquals(200, refresh(refresh).statusCode(), "nor are its refresh tokens revoked");
    }

    @Test
    void loginWhenTheHintInTheFormWasTamperedThenInvalidRequestAndNoCode() {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorize("id_token_hint", idToken("web", "carol"))).body());
        Map<String, String> fields = new LinkedHashMap<>(form.fields());
        fields.put("id_token_hint", idToken("other", "alice"));
        fields.put("username", "alice");
        fields.put("password", PASSWORD);

        String location = redirect(browser.post(form.action(), Browser.encode(fields)));

        assertEquals("invalid_request", parameter(location, "error"), location);
        assertNull(parameter(location, "code"), location);
    }

    @Test
    void authorizeWhenPromptNoneAndHintNamesTheSessionsUserThenCode() {
        Browser alice = signedIn("alice");

        String location = redirect(alice.get(authorize("prompt", "none", "id_token_hint", idToken("web", "alice"))));

        assertTrue(parameter(location, "code") != null, location);
    }

    @Test
    void authorizeWhenPromptNoneAndHintButNoSessionThenLoginRequired() {
        String location = redirect(new Browser().get(authorize("prompt", "none", "id_token_hint", idToken("web", "alice"))));

        assertEquals("login_required", parameter(location, "error"));
    }

    @Test
    void authorizeWhenHintIsInvalidThenInvalidRequestOnTheRedirect() {
        Browser alice = signedIn("alice");
        String genuine = idToken("web", "alice");
        String tampered = genuine.substring(0, genuine.length() - 4) + (genuine.endsWith("AAAA") ? "BBBB" : "AAAA");
        Map<String, String> invalid = new LinkedHashMap<>();
        invalid.put("tampered signature", tampered);
        invalid.put("issued to another client", idToken("other", "alice"));
        invalid.put("not a JWT", "not-a-jwt");
        invalid.put("an access token", accessToken("web", "alice"));
        // Review variants: an unsigned copy, an HMAC "signed" copy under our kid (algorithm confusion), a JWE shape.
        String[] parts = genuine.split("\\.");
        String kid = TestServer.json(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).get("kid").asText();
        invalid.put("alg none", base64Url("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}") + "." + parts[1] + ".");
        invalid.put("HS256 under our kid", hs256(base64Url("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}") + "." + parts[1]));
        invalid.put("JWE shape", parts[0] + "." + parts[1] + ".AAAA.AAAA.AAAA");

        invalid.forEach((kind, hint) -> {
            for (String prompt : new String[] {"none", "login"}) {
                String location = redirect(alice.get(authorize("prompt", prompt, "id_token_hint", hint)));
                assertEquals("invalid_request", parameter(location, "error"), kind + ", prompt=" + prompt);
                assertEquals("s", parameter(location, "state"), kind);
            }
        });
    }

    // --- logout ---

    @Test
    void logoutWhenHintIsAnotherUsersValidIdTokenThenAskedFirstAndVictimSessionAndTokensKept() {
        Browser alice = signedIn("alice");
        String refresh = refreshTokenOfSession(alice);
        String attackersOwn = idToken("web", "carol");

        HttpResponse<String> response = alice.get(server.uri("/oauth2/logout?" + form("id_token_hint", attackersOwn,
                "post_logout_redirect_uri", SIGNED_OUT)));

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Sign out?"), response.body());
        assertTrue(response.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith("identity_session_default=;")),
                "the victim's cookie is not cleared");
        assertTrue(parameter(redirect(alice.get(authorize("prompt", "none"))), "code") != null, "the session is alive");
        assertEquals(200, refresh(refresh).statusCode(), "its refresh token too");
    }

    @Test
    void logoutWhenAnotherUsersHintConfirmedByTheUserThenSessionAndRefreshTokensEnded() {
        Browser alice = signedIn("alice");
        String refresh = refreshTokenOfSession(alice);
        HttpResponse<String> question = alice.get(server.uri("/oauth2/logout?" + form("id_token_hint", idToken("web", "carol"),
                "post_logout_redirect_uri", SIGNED_OUT, "state", "st")));

        HttpResponse<String> confirmed = confirm(alice, question);

        assertEquals(302, confirmed.statusCode(), confirmed.body());
        assertEquals(SIGNED_OUT + "?state=st", confirmed.headers().firstValue("Location").orElseThrow());
        assertEquals("login_required", parameter(redirect(alice.get(authorize("prompt", "none"))), "error"));
        assertEquals(400, refresh(refresh).statusCode());
    }

    @Test
    void logoutWhenHintIsTheSessionUsersThenSignedOutAtOnceAndServerSessionAndRefreshTokensEnded() {
        Browser alice = signedIn("alice");
        String refresh = refreshTokenOfSession(alice);

        HttpResponse<String> response = alice.get(server.uri("/oauth2/logout?" + form("id_token_hint", idToken("web", "alice"))));

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Signed out"), response.body());
        assertEquals("login_required", parameter(redirect(alice.get(authorize("prompt", "none"))), "error"));
        assertEquals(400, refresh(refresh).statusCode(), "signed out means the refresh tokens are dead");
    }

    @Test
    void logoutWhenStolenCookieReplayedAfterSignedOutPageThenNoSession() {
        Browser alice = signedIn("alice");
        Browser thief = new Browser();
        alice.cookies.getCookieStore().getCookies().forEach(c -> thief.cookies.getCookieStore().add(server.uri("/"), c));

        HttpResponse<String> response = alice.get(server.uri("/oauth2/logout?" + form("id_token_hint", idToken("web", "alice"))));

        assertTrue(response.body().contains("Signed out"));
        assertEquals("login_required", parameter(redirect(thief.get(authorize("prompt", "none"))), "error"),
                "the page said signed out, so the server session is over, not just the cookie");
    }

    @Test
    void logoutWhenPostLogoutRedirectUriIsAnotherClientsThenNeverRedirectedThere() {
        Map<String, String[]> requests = new LinkedHashMap<>();
        requests.put("hint of web, other's URI", new String[] {"id_token_hint", idToken("web", "alice"),
                "post_logout_redirect_uri", OTHER_SIGNED_OUT});
        requests.put("client_id web, other's URI", new String[] {"client_id", "web", "post_logout_redirect_uri", OTHER_SIGNED_OUT});
        requests.put("no client, other's URI", new String[] {"post_logout_redirect_uri", OTHER_SIGNED_OUT});
        requests.forEach((kind, parameters) -> {
            for (Browser browser : new Browser[] {new Browser(), signedIn("alice")}) {
                HttpResponse<String> response = browser.get(server.uri("/oauth2/logout?" + form(parameters)));
                assertTrue(response.headers().firstValue("Location").isEmpty(), kind + " -> " + response.headers().map());
            }
        });
    }

    @Test
    void logoutWhenHintIsForOneClientAndClientIdNamesAnotherThenRefusedAndSessionKept() {
        Browser alice = signedIn("alice");

        HttpResponse<String> response = alice.get(server.uri("/oauth2/logout?" + form("id_token_hint", idToken("web", "alice"),
                "client_id", "other", "post_logout_redirect_uri", OTHER_SIGNED_OUT)));

        assertTrue(response.headers().firstValue("Location").isEmpty(), response.headers().map().toString());
        assertTrue(parameter(redirect(alice.get(authorize("prompt", "none"))), "code") != null, "the session is alive");
    }

    @Test
    void logoutWhenConfirmationPostedWithoutOrWithAWrongCsrfTokenThen403AndSessionKept() {
        Browser alice = signedIn("alice");
        HttpResponse<String> question = alice.get(server.uri("/oauth2/logout?" + form("post_logout_redirect_uri", SIGNED_OUT,
                "client_id", "web")));
        Browser.LoginForm form = Browser.loginForm(question.body());

        for (String csrf : new String[] {null, "forged"}) {
            Map<String, String> fields = new LinkedHashMap<>(form.fields());
            fields.put("confirm", "yes");
            fields.keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).contains("csrf"));
            if (csrf != null) {
                form.fields().keySet().stream().filter(k -> k.toLowerCase(java.util.Locale.ROOT).contains("csrf"))
                        .forEach(k -> fields.put(k, csrf));
            }
            // The victim's own browser, cookies and all, posting a form the attacker made.
            HttpResponse<String> posted = alice.post(form.action(), Browser.encode(fields));
            assertEquals(403, posted.statusCode(), csrf + ": " + posted.body());
        }
        assertTrue(parameter(redirect(alice.get(authorize("prompt", "none"))), "code") != null, "the session is alive");
    }

    // --- helpers ---

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String hs256(String signingInput) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec("attacker-chosen-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static Browser signedIn(String username) {
        Browser browser = new Browser();
        Browser.LoginForm form = Browser.loginForm(browser.get(authorize("prompt", "login")).body());
        HttpResponse<String> response = browser.post(form.action(), form.withCredentials(username, PASSWORD));
        assertEquals(302, response.statusCode(), response.body());
        assertEquals(aliceId.equals(server.server.engine().users().findByUsername(Tenant.DEFAULT_ID, username).orElseThrow().id()),
                "alice".equals(username));
        return browser;
    }

    /** Redeems a silent authorization of {@code browser}'s session and answers its refresh token. */
    private static String refreshTokenOfSession(Browser browser) {
        String code = parameter(redirect(browser.get(authorize("prompt", "none"))), "code");
        HttpResponse<String> tokens = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT), "Authorization", TestServer.basic("web", TestServer.SECRET));
        assertEquals(200, tokens.statusCode(), tokens.body());
        return TestServer.json(tokens.body()).get("refresh_token").asText();
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        return server.post("/oauth2/token", form("grant_type", "refresh_token", "refresh_token", refreshToken),
                "Authorization", TestServer.basic("web", TestServer.SECRET));
    }

    private static HttpResponse<String> confirm(Browser browser, HttpResponse<String> page) {
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm form = Browser.loginForm(page.body());
        Map<String, String> fields = new LinkedHashMap<>(form.fields());
        fields.put("confirm", "yes");
        return browser.post(form.action(), Browser.encode(fields));
    }

    private static String idToken(String clientId, String username) {
        return server.passwordLogin(clientId, username).get("id_token").asText();
    }

    private static String accessToken(String clientId, String username) {
        return server.passwordLogin(clientId, username).get("access_token").asText();
    }

    private static URI authorize(String... extra) {
        String[] base = {"response_type", "code", "client_id", "web", "redirect_uri", REDIRECT, "state", "s", "scope", "openid"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return server.uri("/oauth2/authorize?" + form(all));
    }

    private static String redirect(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** A query parameter of {@code location}, decoded; {@code null} when absent. */
    private static String parameter(String location, String name) {
        String query = URI.create(location).getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
