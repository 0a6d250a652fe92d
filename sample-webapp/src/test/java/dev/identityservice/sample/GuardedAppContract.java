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
}
