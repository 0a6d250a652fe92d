package dev.identityservice.sample;

import static dev.identityservice.sample.Http.challenge;
import static dev.identityservice.sample.Http.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the sample must do however it is deployed, over real HTTP with tokens signed by a {@link
 * FakeIssuer}; {@link WarDeploymentTest} and {@link SampleAppTest} run it against the WAR's
 * {@code web.xml} and against the launcher.
 */
abstract class GuardedAppContract {

    /** The base URL of the deployed app, ending in {@code /}. */
    abstract String base();

    abstract FakeIssuer issuer();

    /** The audience the deployment's guard requires. */
    abstract String audience();

    /** The client id the deployment's page signs in as. */
    abstract String clientId();

    String token(String subject, String... roles) throws Exception {
        return issuer().accessToken(subject, audience(), roles);
    }

    static Map<String, Object> json(HttpResponse<String> response) throws Exception {
        return JSONObjectUtils.parse(response.body());
    }

    @Test
    void publicHelloWhenNoTokenThen200() throws Exception {
        HttpResponse<String> response = get(base() + "api/public/hello");
        assertEquals(200, response.statusCode());
        assertTrue(((String) json(response).get("message")).startsWith("Hello"), response.body());
        assertNull(challenge(response));
    }

    @Test
    void meWhenNoTokenThen401WithBareChallengeOfTheRealm() throws Exception {
        HttpResponse<String> response = get(base() + "api/me");
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"sample\"", challenge(response));
    }

    @Test
    void meWhenUserTokenThen200NamingTheUserWithRolesAndScopes() throws Exception {
        HttpResponse<String> response = get(base() + "api/me", token("alice", "user"));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> me = json(response);
        assertEquals("alice", me.get("subject"));
        assertEquals("alice.name", me.get("name"));
        assertEquals("Hello, alice.name!", me.get("greeting"));
        assertEquals(List.of("user"), me.get("roles"));
        assertEquals(List.of("openid", "profile"), me.get("scopes"));
        assertEquals("demo-client", me.get("clientId"));
    }

    @Test
    void meWhenTokenHasNoUsernameThenNameIsTheSubject() throws Exception {
        String token = issuer().accessToken(new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("u-123")
                .audience(audience()).claim("roles", List.of("user")));
        assertEquals("u-123", json(get(base() + "api/me", token)).get("name"));
    }

    @Test
    void meWhenTokenForAnotherAudienceThen401InvalidToken() throws Exception {
        HttpResponse<String> response = get(base() + "api/me", issuer().accessToken("alice", "another-api", "user"));
        assertEquals(401, response.statusCode());
        assertTrue(challenge(response).startsWith("Bearer realm=\"sample\", error=\"invalid_token\""), challenge(response));
    }

    @Test
    void meWhenAdminOnlyTokenThen403() throws Exception {
        HttpResponse<String> response = get(base() + "api/me", token("root", "admin"));
        assertEquals(403, response.statusCode());
        assertTrue(challenge(response).contains("scope=\"user\""), challenge(response));
    }

    @Test
    void adminStatsWhenUserOnlyTokenThen403InsufficientScope() throws Exception {
        HttpResponse<String> response = get(base() + "api/admin/stats", token("alice", "user"));
        assertEquals(403, response.statusCode());
        assertEquals("Bearer realm=\"sample\", error=\"insufficient_scope\", "
                + "error_description=\"the token lacks a required role\", scope=\"admin\"", challenge(response));
    }

    @Test
    void adminStatsWhenAdminTokenThen200() throws Exception {
        get(base() + "api/me", token("alice", "user"));
        HttpResponse<String> response = get(base() + "api/admin/stats", token("root", "admin"));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> stats = json(response);
        assertEquals("root", stats.get("admin"));
        assertTrue(((Number) stats.get("meRequests")).longValue() >= 1, response.body());
    }

    @Test
    void whoamiServletWhenUserTokenThenIsUserInRoleAnswersFromTheToken() throws Exception {
        Map<String, Object> whoami = json(get(base() + "servlet/whoami", token("alice", "user")));
        assertEquals(Map.of("principal", "alice", "remoteUser", "alice", "authType", "Bearer",
                "isUser", true, "isAdmin", false), whoami);
    }

    @Test
    void whoamiServletWhenAdminTokenThenIsAdminTrue() throws Exception {
        Map<String, Object> whoami = json(get(base() + "servlet/whoami", token("root", "user", "admin")));
        assertEquals(true, whoami.get("isAdmin"));
        assertEquals(true, whoami.get("isUser"));
    }

    @Test
    void whoamiServletWhenNoTokenThen401() throws Exception {
        HttpResponse<String> response = get(base() + "servlet/whoami");
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"sample\"", challenge(response));
    }

    @Test
    void configJsonWhenFetchedThenIssuerAndClientIdOfThisDeployment() throws Exception {
        HttpResponse<String> response = get(base() + "config.json");
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        assertEquals(Map.of("issuer", issuer().url(), "clientId", clientId(), "scope", "openid profile email"), json(response));
    }

    @Test
    void pageWhenRootRequestedThenServedWithTheElementsTheBrowserTestUses() throws Exception {
        HttpResponse<String> response = get(base());
        assertEquals(200, response.statusCode());
        for (String id : List.of("sign-in", "sign-out", "user-name", "api-result", "status", "call-api", "call-admin")) {
            assertTrue(response.body().contains("id=\"" + id + "\""), id);
        }
        HttpResponse<String> script = get(base() + "app.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("code_challenge_method: 'S256'"));
    }

    @Test
    void callbackWhenRequestedWithCodeThenServesThePageWithoutReferrer() throws Exception {
        HttpResponse<String> response = get(base() + "callback?code=abc&state=xyz");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("id=\"sign-in\""));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null));
    }

    // ---- back-channel logout (OIDC Back-Channel Logout 1.0): POST /backchannel-logout ends the app's session

    /** An access token of {@code subject} from login session {@code sid}, as the server issues them. */
    String sessionToken(String subject, String sid) throws Exception {
        return issuer().accessToken(new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(subject).audience(audience())
                .claim("roles", List.of("user")).claim("sid", sid));
    }

    static HttpResponse<String> logout(String base, String logoutToken) throws Exception {
        return Http.postForm(base + "backchannel-logout", "logout_token=" + java.net.URLEncoder.encode(logoutToken,
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void backchannelLogoutWhenValidTokenForSidThenThatSessionsTokensRefusedOthersKept() throws Exception {
        String sid = "sid-" + java.util.UUID.randomUUID();
        String ended = sessionToken("bob", sid);
        String otherSession = sessionToken("bob", "sid-other-" + java.util.UUID.randomUUID());
        assertEquals(200, get(base() + "api/me", ended).statusCode());

        HttpResponse<String> response = logout(base(), issuer().logoutToken(clientId(), sid, "bob"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        HttpResponse<String> refused = get(base() + "api/me", ended);
        assertEquals(401, refused.statusCode());
        assertTrue(challenge(refused).contains("invalid_token") && challenge(refused).contains("session"), challenge(refused));
        assertEquals(401, get(base() + "servlet/whoami", ended).statusCode());
        assertEquals(200, get(base() + "api/me", otherSession).statusCode(), "another session of the user goes on");
    }

    @Test
    void backchannelLogoutWhenOnlySubThenTokensIssuedBeforeRefused() throws Exception {
        String subject = "carol-" + java.util.UUID.randomUUID();
        String before = sessionToken(subject, "sid-" + java.util.UUID.randomUUID());

        assertEquals(200, logout(base(), issuer().logoutToken(clientId(), null, subject)).statusCode());

        assertEquals(401, get(base() + "api/me", before).statusCode());
    }

    @Test
    void backchannelLogoutWhenForgedOrMisshapenThen400AndSessionKept() throws Exception {
        String sid = "sid-" + java.util.UUID.randomUUID();
        String token = sessionToken("dave", sid);
        FakeIssuer fake = issuer();
        com.nimbusds.jose.jwk.RSAKey forger = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(fake.key().getKeyID()).generate();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("forged signature", fake.sign(fake.logoutClaims(clientId()).claim("sid", sid).build(), "logout+jwt", forger));
        bad.put("typ JWT", fake.sign(fake.logoutClaims(clientId()).claim("sid", sid).build(), "JWT", fake.key()));
        bad.put("other audience", fake.logoutToken("someone-else", sid, "dave"));
        bad.put("with nonce", fake.sign(fake.logoutClaims(clientId()).claim("sid", sid).claim("nonce", "n").build(), "logout+jwt", fake.key()));
        bad.put("no event", fake.sign(fake.logoutClaims(clientId()).claim("sid", sid).claim("events", Map.of()).build(), "logout+jwt", fake.key()));
        bad.put("neither sid nor sub", fake.logoutToken(clientId(), null, null));
        bad.put("other issuer", fake.sign(fake.logoutClaims(clientId()).issuer("https://evil.example").claim("sid", sid).build(),
                "logout+jwt", fake.key()));
        bad.put("expired", fake.sign(fake.logoutClaims(clientId()).claim("sid", sid)
                .expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(600)))
                .issueTime(java.util.Date.from(java.time.Instant.now().minusSeconds(720))).build(), "logout+jwt", fake.key()));
        bad.put("an access token", token);
        for (Map.Entry<String, String> e : bad.entrySet()) {
            HttpResponse<String> response = logout(base(), e.getValue());
            assertEquals(400, response.statusCode(), e.getKey() + ": " + response.body());
            assertEquals("invalid_request", json(response).get("error"), e.getKey());
        }
        assertEquals(400, Http.postForm(base() + "backchannel-logout", "nothing=here").statusCode());
        assertEquals(200, get(base() + "api/me", token).statusCode(), "no refused token ended the session");
    }

    @Test
    void backchannelLogoutWhenSameTokenReplayedThenSecondRefused() throws Exception {
        String logoutToken = issuer().logoutToken(clientId(), "sid-" + java.util.UUID.randomUUID(), "erin");

        assertEquals(200, logout(base(), logoutToken).statusCode());
        HttpResponse<String> replay = logout(base(), logoutToken);

        assertEquals(400, replay.statusCode());
        assertTrue(replay.body().contains("replayed"), replay.body());
    }
}
