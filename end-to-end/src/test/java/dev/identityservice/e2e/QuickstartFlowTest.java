package dev.identityservice.e2e;

import static dev.identityservice.e2e.QuickstartStack.ALICE;
import static dev.identityservice.e2e.QuickstartStack.ALICE_PASSWORD;
import static dev.identityservice.e2e.QuickstartStack.CAROL;
import static dev.identityservice.e2e.QuickstartStack.CAROL_PASSWORD;
import static dev.identityservice.e2e.QuickstartStack.QUICKSTART_CLIENT;
import static dev.identityservice.e2e.QuickstartStack.QUICKSTART_SECRET;
import static dev.identityservice.e2e.QuickstartStack.SPA_CLIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart, end to end over real HTTP: the identity server with the quickstart import and
 * the sample app, in this JVM. The password grant of the {@code quickstart} client, the sample's API with
 * its token, refresh rotation, 401 and 403; then the page's own flow (authorization code + PKCE as the
 * public client {@code demo-spa}) and RP-initiated logout, after which that session's refresh token is dead.
 */
class QuickstartFlowTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static QuickstartStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = QuickstartStack.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void apiMeWhenAliceLoggedInWithPasswordGrantThen200NamingAlice() {
        Http http = new Http();
        JsonNode tokens = passwordLogin(http, ALICE, ALICE_PASSWORD);

        HttpResponse<String> me = http.get(stack.sample("api/me"), "Authorization", Http.bearer(tokens.path("access_token").asText()));

        assertEquals(200, me.statusCode(), me.body());
        JsonNode body = Http.json(me);
        assertEquals(ALICE, body.path("name").asText(), me.body());
        assertEquals("Hello, alice!", body.path("greeting").asText(), me.body());
        assertEquals(QUICKSTART_CLIENT, body.path("clientId").asText(), me.body());
        assertTrue(body.path("roles").toString().contains("\"user\""), me.body());
    }

    @Test
    void refreshWhenRefreshTokenUsedTwiceThenNewPairWorksAndSecondUseIsInvalidGrantAndTheSampleRefusesTheFamilysToken() throws Exception {
        Http http = new Http();
        JsonNode first = passwordLogin(http, ALICE, ALICE_PASSWORD);
        String refreshToken = first.path("refresh_token").asText();

        HttpResponse<String> refreshed = refresh(http, refreshToken, "Authorization", Http.basic(QUICKSTART_CLIENT, QUICKSTART_SECRET));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        JsonNode pair = Http.json(refreshed);
        assertNotEquals(refreshToken, pair.path("refresh_token").asText());
        HttpResponse<String> me = http.get(stack.sample("api/me"), "Authorization", Http.bearer(pair.path("access_token").asText()));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(ALICE, Http.json(me).path("name").asText());

        HttpResponse<String> reused = refresh(http, refreshToken, "Authorization", Http.basic(QUICKSTART_CLIENT, QUICKSTART_SECRET));

        assertEquals(400, reused.statusCode(), reused.body());
        assertEquals("invalid_grant", Http.json(reused).path("error").asText(), reused.body());

        // As the README shows: the reuse revoked the family, and the sample, taking the server's security events,
        // refuses the new pair's access token too, within a second.
        long start = System.nanoTime();
        HttpResponse<String> refused = me;
        while (refused.statusCode() == 200 && System.nanoTime() - start < 5_000_000_000L) {
            Thread.sleep(20);
            refused = http.get(stack.sample("api/me"), "Authorization", Http.bearer(pair.path("access_token").asText()));
        }
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").contains("token revoked"), refused.headers().toString());
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused after " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Test
    void apiMeWhenNoTokenThen401WithBearerChallengeOfTheSampleRealm() {
        HttpResponse<String> me = new Http().get(stack.sample("api/me"));

        assertEquals(401, me.statusCode(), me.body());
        assertEquals("Bearer realm=\"sample\"", me.headers().firstValue("WWW-Authenticate").orElse("(none)"));
    }

    @Test
    void adminStatsWhenAliceHasOnlyRoleUserThen403InsufficientScope() {
        Http http = new Http();
        String access = passwordLogin(http, ALICE, ALICE_PASSWORD).path("access_token").asText();

        HttpResponse<String> stats = http.get(stack.sample("api/admin/stats"), "Authorization", Http.bearer(access));

        assertEquals(403, stats.statusCode(), stats.body());
        String challenge = stats.headers().firstValue("WWW-Authenticate").orElse("(none)");
        assertTrue(challenge.startsWith("Bearer ") && challenge.contains("error=\"insufficient_scope\""), challenge);
    }

    @Test
    void adminStatsWhenCarolHasRoleAdminThen200NamingHerSubject() throws Exception {
        Http http = new Http();
        String access = passwordLogin(http, CAROL, CAROL_PASSWORD).path("access_token").asText();

        HttpResponse<String> stats = http.get(stack.sample("api/admin/stats"), "Authorization", Http.bearer(access));

        assertEquals(200, stats.statusCode(), stats.body());
        // The principal's name is the token's subject (the user id), not the username.
        assertEquals(SignedJWT.parse(access).getJWTClaimsSet().getSubject(), Http.json(stats).path("admin").asText(), stats.body());
    }

    @Test
    void codeFlowWhenDemoSpaSignsInWithPkceThenApiNamesAliceAndLogoutKillsTheSessionRefreshTokenAndTheSamplesSession() throws Exception {
        Http browser = new Http();
        String redirectUri = stack.sampleOrigin() + "/callback";
        String verifier = random();
        String state = random();
        String nonce = random();

        // The page's authorization request; the server answers with its login form (and a CSRF cookie).
        HttpResponse<String> loginPage = browser.get(authorizeUri(redirectUri, verifier, state, nonce));
        assertEquals(200, loginPage.statusCode(), loginPage.body());
        Http.LoginForm form = Http.loginForm(loginPage.body());
        assertTrue(form.hiddenFields().containsKey("csrf_token"), form.hiddenFields().keySet().toString());

        HttpResponse<String> redirect = browser.postForm(stack.issuer("").resolve(form.action()), form.withCredentials(ALICE, ALICE_PASSWORD));
        assertEquals(302, redirect.statusCode(), redirect.body());
        URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(URI.create(redirectUri), URI.create(callback.toString().replaceFirst("\\?.*", "")));
        Map<String, String> answer = Http.query(callback);
        assertEquals(state, answer.get("state"));
        assertEquals(stack.server.issuer().toString(), answer.get("iss"));

        // The sample serves its page at the callback.
        HttpResponse<String> page = browser.get(callback);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"sign-in\""), page.body());

        // The page's token request: public client, PKCE verifier, cross-origin from the sample.
        HttpResponse<String> exchanged = browser.postForm(stack.issuer("/oauth2/token"), Http.form("grant_type", "authorization_code",
                "code", answer.get("code"), "redirect_uri", redirectUri, "client_id", SPA_CLIENT, "code_verifier", verifier),
                "Origin", stack.sampleOrigin());
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        assertEquals(stack.sampleOrigin(), exchanged.headers().firstValue("Access-Control-Allow-Origin").orElse("(none)"));
        JsonNode tokens = Http.json(exchanged);
        String idToken = tokens.path("id_token").asText();
        JWTClaimsSet idClaims = SignedJWT.parse(idToken).getJWTClaimsSet();
        assertEquals(stack.server.issuer().toString(), idClaims.getIssuer());
        assertEquals(java.util.List.of(SPA_CLIENT), idClaims.getAudience());
        assertEquals(nonce, idClaims.getStringClaim("nonce"));

        HttpResponse<String> me = browser.get(stack.sample("api/me"), "Authorization", Http.bearer(tokens.path("access_token").asText()));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(ALICE, Http.json(me).path("name").asText(), me.body());
        assertEquals(SPA_CLIENT, Http.json(me).path("clientId").asText(), me.body());

        // While the session lives, its refresh token works (and rotates).
        HttpResponse<String> refreshed = refresh(browser, tokens.path("refresh_token").asText(), "Origin", stack.sampleOrigin());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        String sessionRefreshToken = Http.json(refreshed).path("refresh_token").asText();

        // RP-initiated logout, as the page's sign-out does it.
        String signedOut = stack.sampleOrigin() + "/";
        HttpResponse<String> logout = browser.get(URI.create(stack.issuer("/oauth2/logout") + "?" + Http.form(
                "id_token_hint", idToken, "client_id", SPA_CLIENT, "post_logout_redirect_uri", signedOut, "state", "bye")));
        assertEquals(302, logout.statusCode(), logout.body());
        assertEquals(signedOut + "?state=bye", logout.headers().firstValue("Location").orElse("(none)"));

        HttpResponse<String> afterLogout = refresh(browser, sessionRefreshToken, "Origin", stack.sampleOrigin());
        assertEquals(400, afterLogout.statusCode(), afterLogout.body());
        assertEquals("invalid_grant", Http.json(afterLogout).path("error").asText(), afterLogout.body());

        // Back-channel logout: the server POSTs a logout token to the sample's /backchannel-logout, and the sample
        // ends its session: the session's access token, still unexpired, no longer reaches the API.
        String sessionAccessToken = Http.json(refreshed).path("access_token").asText();
        assertEquals(idClaims.getStringClaim("sid"), SignedJWT.parse(sessionAccessToken).getJWTClaimsSet().getStringClaim("sid"));
        HttpResponse<String> ended = null;
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(50)) {
            ended = browser.get(stack.sample("api/me"), "Authorization", Http.bearer(sessionAccessToken));
            if (ended.statusCode() != 200) {
                break;
            }
        }
        assertEquals(401, ended.statusCode(), ended.body());
        // The sample hears it twice: the back-channel logout ("session ... ended") and the security event ("token
        // revoked"); whichever came first answers.
        String why = ended.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(why.contains("session") || why.contains("token revoked"), ended.headers().toString());

        // The session is gone: the next authorization request shows the login form again.
        HttpResponse<String> again = browser.get(authorizeUri(redirectUri, random(), random(), random()));
        assertEquals(200, again.statusCode(), again.body());
        Http.loginForm(again.body());
    }

    private static JsonNode passwordLogin(Http http, String username, String password) {
        HttpResponse<String> response = http.postForm(stack.issuer("/oauth2/token"), Http.form("grant_type", "password",
                "username", username, "password", password, "scope", "openid profile email api"),
                "Authorization", Http.basic(QUICKSTART_CLIENT, QUICKSTART_SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return Http.json(response);
    }

    /** A refresh; public clients name themselves in the form, confidential ones pass Basic in {@code headers}. */
    private static HttpResponse<String> refresh(Http http, String refreshToken, String... headers) {
        boolean basic = headers.length > 0 && headers[0].equals("Authorization");
        String form = basic ? Http.form("grant_type", "refresh_token", "refresh_token", refreshToken)
                : Http.form("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", SPA_CLIENT);
        return http.postForm(stack.issuer("/oauth2/token"), form, headers);
    }

    private static URI authorizeUri(String redirectUri, String verifier, String state, String nonce) throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        return URI.create(stack.issuer("/oauth2/authorize") + "?" + Http.form("response_type", "code", "client_id", SPA_CLIENT,
                "redirect_uri", redirectUri, "scope", "openid profile email", "state", state, "nonce", nonce,
                "code_challenge", challenge, "code_challenge_method", "S256"));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
