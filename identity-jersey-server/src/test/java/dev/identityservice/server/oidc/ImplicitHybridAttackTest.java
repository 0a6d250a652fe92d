package dev.identityservice.server.oidc;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.LogoutReceiver;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A breaker's attacks on the implicit and hybrid flows (OIDC Core §3.2, §3.3, §15.2; OAuth 2.0 Multiple Response
 * Type Encoding Practices; Form Post Response Mode; RFC 9700 §2.1.2, §4.1, §4.2; RFC 6749 §3.1.2, §4.2, §10; OIDC
 * Registration §2), over real HTTP against {@link TestServer}. A passing test is an attack the server resists; a
 * test marked {@code // DEFECT:} fails on purpose and names what is wrong (none is left).
 */
class ImplicitHybridAttackTest {

    private static final String REDIRECT = OidcFlow.REDIRECT;
    private static final String QUERY_REDIRECT = "https://app.example.com/cb?tenant=x";
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    private static final Set<GrantType> ADMIN_GRANTS = Set.of(GrantType.AUTHORIZATION_CODE, GrantType.PASSWORD,
            GrantType.REFRESH_TOKEN, GrantType.CLIENT_CREDENTIALS);

    private static TestServer server;
    private static String adminToken;
    private static LogoutReceiver receiver;

    @BeforeAll
    static void start() {
        receiver = new LogoutReceiver();
        server = TestServer.start(b -> b.implicitAndHybridFlows(true).registrationMode("open")
                .backChannelLogoutTimeout(java.time.Duration.ofSeconds(1)).outboundAllowPrivateAddresses(true));
        server.user("alice", "user");
        server.user("root", "admin");
        server.save(server.confidential(Tenant.DEFAULT_ID, "hybrid")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT, GrantType.REFRESH_TOKEN))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED))
                .redirectUris(List.of(REDIRECT, QUERY_REDIRECT))
                .scopes(Set.of("openid", "profile", "email", "api", "offline_access")));
        server.save(server.confidential(Tenant.DEFAULT_ID, "idtoken-only")
                .grantTypes(Set.of(GrantType.IMPLICIT))
                .responseTypes(Set.of(ResponseType.parse("id_token"))));
        // Registered for id_token but its implicit grant taken away: Client#allows must say no.
        server.save(server.confidential(Tenant.DEFAULT_ID, "no-implicit-grant")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE))
                .responseTypes(Set.of(ResponseType.CODE, ResponseType.parse("id_token"))));
        server.save(server.confidential(Tenant.DEFAULT_ID, "rs256")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED))
                .idTokenSignedResponseAlg(SigningAlgorithm.RS256));
        server.save(server.confidential(Tenant.DEFAULT_ID, "es256")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED))
                .idTokenSignedResponseAlg(SigningAlgorithm.ES256));
        // A public client (no secret) with every response type.
        server.save(server.confidential(Tenant.DEFAULT_ID, "spa").secretHash(null)
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED)));
        // The admin's client: every grant but implicit (a client with implicit and no front-channel type breaks RFC 7591 §2.1).
        server.save(server.confidential(Tenant.DEFAULT_ID, "demo").grantTypes(ADMIN_GRANTS));
        adminToken = passwordToken("", "demo", "root");

        // Tenant off: a client stored with the implicit grant and every response type anyway (as an import or the
        // management API may store it).
        Tenant off = server.tenant("off");
        server.server.engine().updateTenant(off.withRegistrationMode(RegistrationMode.OPEN));
        server.userIn("off", "alice", "user");
        server.save(server.confidential("off", "sneaky")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED)));

        // Tenant toggle: switched on and off by its own admin through PUT /admin/implicit-hybrid-flows.
        Tenant toggle = server.tenant("toggle");
        server.server.engine().updateTenant(toggle.withImplicitAndHybridFlows(true));
        server.userIn("toggle", "alice", "user");
        server.userIn("toggle", "root", "admin");
        server.save(server.confidential("toggle", "hybrid")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED)));
        server.save(server.confidential("toggle", "demo").grantTypes(ADMIN_GRANTS));
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    // ---------------------------------------------------------------- tenant switch and client registration

    @ParameterizedTest
    @ValueSource(strings = {"id_token", "id_token token", "code id_token", "code token", "code id_token token"})
    void tenantOffWhenClientStoredWithFrontChannelTypesAnywayThenRefusedAndNoToken(String responseType) {
        HttpResponse<String> response = server.get("/t/off/oauth2/authorize?" + form("response_type", responseType,
                "client_id", "sneaky", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
        String location = location(response);
        assertEquals("unsupported_response_type", OidcFlow.query(response).get("error"), location);
        assertNoToken(location);
    }

    @Test
    void tenantOffWhenSignedInAndFrontChannelTypeAskedSilentlyThenStillRefused() {
        Browser browser = new Browser();
        // A session in tenant off through the code flow.
        HttpResponse<String> page = browser.get(server.uri("/t/off/oauth2/authorize?" + form("response_type", "code",
                "client_id", "sneaky", "redirect_uri", REDIRECT, "state", "st", "scope", "openid")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        assertNotNull(OidcFlow.query(browser.post(login.action(), login.withCredentials("alice", PASSWORD))).get("code"));

        HttpResponse<String> silent = browser.get(server.uri("/t/off/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "sneaky", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "prompt", "none")));
        assertEquals("unsupported_response_type", OidcFlow.query(silent).get("error"));
        assertNoToken(location(silent));
    }

    @Test
    void tenantOffWhenLoginFormTamperedToAskForTokensThenRefused() {
        // The attacker's own browser: a code-flow login page, then the hidden response_type rewritten before posting.
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/t/off/oauth2/authorize?" + form("response_type", "code",
                "client_id", "sneaky", "redirect_uri", REDIRECT, "state", "st", "scope", "openid")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        Map<String, String> fields = new LinkedHashMap<>(login.fields());
        fields.put("response_type", "id_token token");
        fields.put("nonce", "n");
        HttpResponse<String> response = browser.post(login.action(), new Browser.LoginForm(login.action(), fields)
                .withCredentials("alice", PASSWORD));
        assertNoToken(location(response));
    }

    @Test
    void tenantOnWhenClientNotRegisteredForTheTypeThenUnauthorizedClientInTheFragment() {
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "idtoken-only", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
        assertEquals("unauthorized_client", error.get("error"));
        assertEquals("st", error.get("state"));
    }

    @Test
    void tenantOnWhenResponseTypeRegisteredButImplicitGrantRemovedThenUnauthorizedClient() {
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", "id_token",
                "client_id", "no-implicit-grant", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
        assertEquals("unauthorized_client", error.get("error"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"id_token id_token", "token", "none", "code code", "ID_TOKEN", "id_token\ttoken", "id_token,token",
            "code id_token token extra", "code none", "token token id_token"})
    void responseTypeWhenMalformedOrUnsupportedThenUnsupportedResponseTypeAndNoToken(String responseType) {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", responseType,
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
        String location = location(response);
        assertNoToken(location);
        assertTrue(location.contains("error=unsupported_response_type"), location);
    }

    @Test
    void responseTypeWhenEmptyThenInvalidRequest() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
        assertEquals("invalid_request", OidcFlow.query(response).get("error"));
    }

    @Test
    void responseTypeWhenWordsReorderedThenSameAsCanonical() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "token id_token code", "nonce", "n",
                "scope", "openid"));
        assertTrue(fragment.containsKey("code") && fragment.containsKey("id_token") && fragment.containsKey("access_token"),
                fragment.toString());
    }

    @Test
    void tenantToggledOffByAdminThenAuthorizeDiscoveryAndPushedRequestsFollowAtOnce() {
        String token = passwordToken("/t/toggle", "demo", "root");
        // Pushed while on.
        HttpResponse<String> pushed = server.post("/t/toggle/oauth2/par", form("response_type", "id_token token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "np"), "Authorization", basic("hybrid", SECRET));
        assertEquals(201, pushed.statusCode(), pushed.body());
        String requestUri = TestServer.json(pushed.body()).get("request_uri").asText();

        HttpResponse<String> put = adminSend("PUT", "/t/toggle/admin/implicit-hybrid-flows", token, "{\"enabled\":false}");
        assertEquals(200, put.statusCode(), put.body());
        try {
            JsonNode discovery = TestServer.json(server.get("/t/toggle/.well-known/openid-configuration").body());
            assertEquals(List.of("code"), strings(discovery.get("response_types_supported")));
            JsonNode metadata = TestServer.json(server.get("/.well-known/oauth-authorization-server/t/toggle").body());
            assertEquals(List.of("code"), strings(metadata.get("response_types_supported")));
            assertFalse(strings(metadata.get("grant_types_supported")).contains("implicit"));

            HttpResponse<String> now = server.get("/t/toggle/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid",
                    "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
            assertEquals("unsupported_response_type", OidcFlow.query(now).get("error"));

            HttpResponse<String> usePushed = server.get("/t/toggle/oauth2/authorize?" + form("client_id", "hybrid",
                    "request_uri", requestUri));
            assertNoToken(location(usePushed));
            assertTrue(location(usePushed).contains("error=unsupported_response_type"), location(usePushed));
        } finally {
            assertEquals(200, adminSend("PUT", "/t/toggle/admin/implicit-hybrid-flows", token, "{\"enabled\":true}").statusCode());
        }
        assertEquals(400, adminSend("PUT", "/t/toggle/admin/implicit-hybrid-flows", token, "{}").statusCode());
        assertEquals(400, adminSend("PUT", "/t/toggle/admin/implicit-hybrid-flows", token, "{\"enabled\":\"maybe\"}").statusCode());
        assertEquals(401, server.send(HttpRequest.newBuilder(server.uri("/t/toggle/admin/implicit-hybrid-flows"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":true}")), "Content-Type", "application/json").statusCode());
    }

    @Test
    void pushedRequestWhenTenantOffThenRefusedAtThePushEndpoint() {
        HttpResponse<String> pushed = server.post("/t/off/oauth2/par", form("response_type", "code id_token", "client_id", "sneaky",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"), "Authorization", basic("sneaky", SECRET));
        assertEquals(400, pushed.statusCode(), pushed.body());
        assertEquals("unsupported_response_type", TestServer.json(pushed.body()).get("error").asText());
    }

    @Test
    void tokenEndpointWhenGrantTypeImplicitThenUnsupportedGrantTypeNeverTokens() {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "implicit", "scope", "openid",
                "redirect_uri", REDIRECT), "Authorization", basic("hybrid", SECRET));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("unsupported_grant_type", TestServer.json(response.body()).get("error").asText());
    }

    // ---------------------------------------------------------------- where tokens go

    @ParameterizedTest
    @ValueSource(strings = {"id_token", "id_token token", "code id_token", "code token", "code id_token token"})
    void tokensWhenRedirectUriHasAQueryThenOnlyInTheFragmentAndNoStoreNoReferrer(String responseType) {
        HttpResponse<String> response = signInTo(QUERY_REDIRECT, "", "hybrid", "response_type", responseType, "nonce", "n",
                "scope", "openid");
        assertEquals(302, response.statusCode(), response.body());
        String location = location(response);
        URI uri = URI.create(location);
        assertEquals("tenant=x", uri.getRawQuery(), "the registered query is kept and nothing added to it: " + location);
        assertTrue(location.startsWith(QUERY_REDIRECT + "#"), location);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"id_token", "id_token token", "code id_token", "code token", "code id_token token"})
    void responseModeQueryWhenTokensThenInvalidRequestInTheFragmentNothingInTheQuery(String responseType) {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", responseType, "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "response_mode", "query"));
        String location = location(response);
        assertNull(URI.create(location).getRawQuery(), location);
        assertEquals("invalid_request", fragment(response).get("error"));
    }

    @Test
    void responseModeQueryWhenSignedInAndTokensAskedThenStillNoTokenInTheQuery() {
        Browser browser = signedInBrowser();
        HttpResponse<String> response = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code id_token token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n",
                "response_mode", "query")));
        assertNoToken(location(response));
    }

    @Test
    void responseModeFragmentWhenPlainCodeThenCodeInTheFragment() {
        // Multiple Response Types §2.1: fragment may be requested for any response type, code included.
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code", "response_mode", "fragment",
                "scope", "openid"));
        assertNotNull(fragment.get("code"));
    }

    @Test
    void responseModeUnknownWhenImplicitThenErrorInTheFragment() {
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "response_mode", "web_message")));
        assertEquals("invalid_request", error.get("error"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prompt=bogus", "scope=openid unknown_scope", "max_age=-1", "code_challenge_method=S256", "scope=email"})
    void implicitErrorsThenInTheFragmentWithState(String extra) {
        Map<String, String> parameters = new LinkedHashMap<>(Map.of("response_type", "id_token token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
        String[] kv = extra.split("=", 2);
        parameters.put(kv[0], kv[1]);
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form(flatten(parameters))));
        assertNotNull(error.get("error"), error.toString());
        assertEquals("st", error.get("state"));
        assertFalse(error.containsKey("access_token") || error.containsKey("id_token"));
    }

    @Test
    void cancelAtLoginPageWhenImplicitThenAccessDeniedInTheFragment() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        Map<String, String> fields = new LinkedHashMap<>(login.fields());
        fields.put("action", "cancel");
        Map<String, String> error = fragment(browser.post(login.action(), Browser.encode(fields)));
        assertEquals("access_denied", error.get("error"));
    }

    @Test
    void promptNoneWithoutSessionWhenFormPostThenLoginRequiredPostedNotInAUrl() {
        HttpResponse<String> response = new Browser().get(server.uri("/oauth2/authorize?" + form("response_type", "code id_token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "prompt", "none",
                "response_mode", "form_post")));
        assertEquals(200, response.statusCode());
        assertEquals("login_required", hidden(response.body()).get("error"));
    }

    @Test
    void redirectUriWithFragmentWhenRequestedThenErrorPageNeverARedirect() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "id_token token", "client_id", "hybrid",
                "redirect_uri", REDIRECT + "#evil", "state", "st", "scope", "openid", "nonce", "n"));
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty());
    }

    @Test
    void redirectUriWithFragmentWhenRegisteredThenRefusedByManagementApiAndRegistration() {
        // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
        HttpResponse<String> admin = adminSend("POST", "/admin/clients", adminToken, """
                {"clientId":"frag","redirectUris":["https://app.example.com/cb#x"],"grantTypes":["implicit"],"responseTypes":["id_token"]}""");
        assertEquals(400, admin.statusCode(), admin.body());
        HttpResponse<String> registered = register("", "{\"redirect_uris\":[\"https://app.example.com/cb#x\"],"
                + "\"response_types\":[\"id_token\"],\"grant_types\":[\"implicit\"]}");
        assertEquals(400, registered.statusCode(), registered.body());
        assertEquals("invalid_redirect_uri", TestServer.json(registered.body()).get("error").asText());
    }

    // ---------------------------------------------------------------- nonce and state

    @Test
    void nonceWhenOverlongThenInvalidRequestAndNoToken() {
        HttpResponse<String> response = server.post("/oauth2/authorize", form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n".repeat(5_000)));
        Map<String, String> error = fragment(response);
        assertEquals("invalid_request", error.get("error"));
        assertNoToken(location(response));
    }

    @Test
    void nonceWhenUnicodeThenEchoedExactlyInTheIdToken() throws Exception {
        String nonce = "nönce-✓-日本-\uD83D\uDE00 &#=+";
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token", "nonce", nonce, "scope", "openid",
                "state", "stäte ✓&x=#"));
        assertEquals(nonce, OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet().getStringClaim("nonce"));
        assertEquals("stäte ✓&x=#", fragment.get("state"));
    }

    @Test
    void nonceWhenReplayedThenAcceptedByDesign() throws Exception {
        // OIDC Core §15.5.2 leaves nonce replay detection to the client; noted only: the OP issues both.
        Browser browser = signedInBrowser();
        for (int i = 0; i < 2; i++) {
            Map<String, String> fragment = fragment(browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token",
                    "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "same"))));
            assertEquals("same", OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet().getStringClaim("nonce"));
        }
    }

    @Test
    void nonceWhenCodeIdTokenWithoutNonceThenInvalidRequest() {
        // OIDC Core §3.3.2.11: nonce REQUIRED for code id_token and code id_token token.
        for (String type : List.of("code id_token", "code id_token token", "id_token token")) {
            Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", type, "client_id", "hybrid",
                    "redirect_uri", REDIRECT, "state", "st", "scope", "openid")));
            assertEquals("invalid_request", error.get("error"), type);
        }
    }

    @Test
    void stateWhenOverlongThenNotEchoed() {
        Map<String, String> error = fragment(server.post("/oauth2/authorize", form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "s".repeat(5_000), "scope", "openid", "nonce", "n")));
        assertEquals("invalid_request", error.get("error"));
        assertNull(error.get("state"));
    }

    // ---------------------------------------------------------------- hashes and signatures

    @ParameterizedTest
    @ValueSource(strings = {"rs256", "es256"})
    void hashesWhenClientChoosesItsIdTokenAlgorithmThenLeftHalfOfSha256UnderThatAlgorithm(String clientId) throws Exception {
        Map<String, String> fragment = fragment(signIn("", clientId, "response_type", "code id_token token", "nonce", "n",
                "scope", "openid"));
        SignedJWT idToken = OidcFlow.verified(server, "", fragment.get("id_token"));
        assertEquals(clientId.toUpperCase(), idToken.getHeader().getAlgorithm().getName());
        assertEquals(leftHalf("SHA-256", fragment.get("access_token")), idToken.getJWTClaimsSet().getStringClaim("at_hash"));
        assertEquals(leftHalf("SHA-256", fragment.get("code")), idToken.getJWTClaimsSet().getStringClaim("c_hash"));
    }

    @Test
    void idTokenWhenImplicitThenAudienceAzpIssuerExpiryAndAuthTime() throws Exception {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token", "nonce", "n", "scope", "openid",
                "max_age", "600"));
        JWTClaimsSet claims = OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet();
        assertEquals(List.of("hybrid"), claims.getAudience());
        assertEquals("hybrid", claims.getStringClaim("azp"));
        assertEquals(server.server.issuer().toString(), claims.getIssuer());
        assertNotNull(claims.getClaim("auth_time"), "OIDC Core §3.1.2.1 max_age makes auth_time REQUIRED");
        assertTrue(claims.getExpirationTime().after(claims.getIssueTime()));
        assertNull(claims.getClaim("at_hash"));
        assertNull(claims.getClaim("c_hash"));
    }

    // ---------------------------------------------------------------- the front-channel access token

    @Test
    void frontChannelAccessTokenWhenOfflineAccessAskedThenNoRefreshTokenAndScopeWithoutOfflineAccess() throws Exception {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token token", "nonce", "n",
                "scope", "openid email offline_access api"));
        assertFalse(fragment.containsKey("refresh_token"));
        assertFalse(fragment.get("scope").contains("offline_access"), fragment.get("scope"));
        JWTClaimsSet access = OidcFlow.verified(server, "", fragment.get("access_token")).getJWTClaimsSet();
        assertFalse(String.valueOf(access.getClaim("scope")).contains("offline_access"));
        assertEquals("hybrid", access.getStringClaim("client_id"));
        long lifetime = (access.getExpirationTime().getTime() - access.getIssueTime().getTime()) / 1000;
        assertEquals(Long.parseLong(fragment.get("expires_in")), lifetime, 1);

        // The same lifetime as the code flow's access token of the same client.
        Map<String, String> code = OidcFlow.authorize(server, "", "client_id", "hybrid", "scope", "openid");
        JWTClaimsSet backChannel = OidcFlow.verified(server, "", OidcFlow.redeem(server, "", "hybrid", code.get("code"))
                .get("access_token").asText()).getJWTClaimsSet();
        assertEquals((backChannel.getExpirationTime().getTime() - backChannel.getIssueTime().getTime()) / 1000, lifetime, 1);
        assertEquals(backChannel.getAudience(), access.getAudience());
    }

    @Test
    void hybridCodeWhenRedeemedTwiceThenInvalidGrantAndFirstRedemptionRevoked() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code id_token token", "nonce", "n",
                "scope", "openid offline_access"));
        JsonNode first = OidcFlow.redeem(server, "", "hybrid", fragment.get("code"));
        HttpResponse<String> second = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", fragment.get("code"),
                "redirect_uri", REDIRECT), "Authorization", basic("hybrid", SECRET));
        assertEquals(400, second.statusCode(), second.body());
        assertEquals("invalid_grant", TestServer.json(second.body()).get("error").asText());
        assertFalse(introspect(first.get("access_token").asText()).get("active").asBoolean(), "RFC 6749 §4.1.2");
        HttpResponse<String> refresh = server.post("/oauth2/token", form("grant_type", "refresh_token",
                "refresh_token", first.get("refresh_token").asText()), "Authorization", basic("hybrid", SECRET));
        assertEquals(400, refresh.statusCode(), refresh.body());
    }

    @Test
    void hybridCodeWhenRedeemedByAnotherClientOrRedirectThenInvalidGrant() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code id_token", "nonce", "n", "scope", "openid"));
        HttpResponse<String> other = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", fragment.get("code"),
                "redirect_uri", REDIRECT), "Authorization", basic("rs256", SECRET));
        assertEquals(400, other.statusCode(), other.body());
        HttpResponse<String> wrongRedirect = server.post("/oauth2/token", form("grant_type", "authorization_code", "code",
                fragment.get("code"), "redirect_uri", QUERY_REDIRECT), "Authorization", basic("hybrid", SECRET));
        assertEquals(400, wrongRedirect.statusCode(), wrongRedirect.body());
    }

    @Test
    void publicClientWhenHybridWithoutPkceThenInvalidRequestButPureImplicitAllowed() {
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", "code id_token", "client_id", "spa",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
        assertEquals("invalid_request", error.get("error"));
        Map<String, String> implicit = fragment(signIn("", "spa", "response_type", "id_token token", "nonce", "n", "scope", "openid"));
        assertNotNull(implicit.get("access_token"));
    }

    @Test
    void publicClientWhenHybridWithPkceThenCodeNeedsTheVerifier() throws Exception {
        String verifier = "v".repeat(50);
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> fragment = fragment(signIn("", "spa", "response_type", "code id_token", "nonce", "n", "scope", "openid",
                "code_challenge", challenge, "code_challenge_method", "S256"));
        HttpResponse<String> without = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", fragment.get("code"),
                "redirect_uri", REDIRECT, "client_id", "spa"));
        assertEquals(400, without.statusCode(), without.body());
        // The failed attempt above may have burned the code; a fresh one with the verifier works.
        Map<String, String> again = fragment(signIn("", "spa", "response_type", "code id_token", "nonce", "n", "scope", "openid",
                "code_challenge", challenge, "code_challenge_method", "S256"));
        HttpResponse<String> with = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", again.get("code"),
                "redirect_uri", REDIRECT, "client_id", "spa", "code_verifier", verifier));
        assertEquals(200, with.statusCode(), with.body());
    }

    @Test
    void maxAgeZeroWhenSessionExistsThenLoginPageNotSilentTokens() {
        Browser browser = signedInBrowser();
        HttpResponse<String> response = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "max_age", "0")));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Location").isEmpty());
    }

    @Test
    void claimsParameterWhenIdTokenOnlyThenRequestedClaimsInTheIdToken() throws Exception {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token", "nonce", "n", "scope", "openid",
                "claims", "{\"id_token\":{\"name\":{\"essential\":true}}}"));
        assertEquals("Alice Example", OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet().getStringClaim("name"));
    }

    @Test
    void logoutWhenIdTokenFromImplicitFlowThenSessionEndsAndPromptNoneIsLoginRequired() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        String idToken = fragment(browser.post(login.action(), login.withCredentials("alice", PASSWORD))).get("id_token");
        HttpResponse<String> logout = browser.get(server.uri("/oauth2/logout?" + form("id_token_hint", idToken)));
        assertTrue(logout.statusCode() == 200 || logout.statusCode() == 302, logout.statusCode() + " " + logout.body());
        Map<String, String> after = fragment(browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n2", "prompt", "none"))));
        assertEquals("login_required", after.get("error"));
    }

    @Test
    void backChannelLogoutWhenImplicitOnlyClientTookPartThenLogoutTokenWithItsSid() throws Exception {
        server.save(server.confidential(Tenant.DEFAULT_ID, "bcl-implicit")
                .grantTypes(Set.of(GrantType.IMPLICIT))
                .responseTypes(Set.of(ResponseType.parse("id_token token")))
                .backchannelLogoutUri(receiver.uri("/rp/bcl-implicit")));
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "bcl-implicit", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        String idToken = fragment(browser.post(login.action(), login.withCredentials("alice", PASSWORD))).get("id_token");
        String sid = SignedJWT.parse(idToken).getJWTClaimsSet().getStringClaim("sid");
        HttpResponse<String> logout = browser.post(server.uri("/oauth2/logout"), form("id_token_hint", idToken));
        assertEquals(200, logout.statusCode(), logout.body());
        LogoutReceiver.Delivery delivery = receiver.await(d -> d.path().equals("/rp/bcl-implicit"), 1, java.time.Duration.ofSeconds(10)).get(0);
        JWTClaimsSet claims = OidcFlow.verified(server, "", delivery.logoutToken()).getJWTClaimsSet();
        assertEquals(sid, claims.getStringClaim("sid"));
        assertEquals(List.of("bcl-implicit"), claims.getAudience());
    }

    @Test
    void metricsWhenTokensIssuedByTheAuthorizationEndpointThenCounted() {
        fragment(signIn("", "hybrid", "response_type", "id_token token", "nonce", "n", "scope", "openid"));
        String metrics = server.metrics();
        // Proves: tokens the authorization endpoint issues are counted in identity_tokens_issued_total, grant implicit.
        assertTrue(metrics.contains("identity_tokens_issued_total{grant_type=\"implicit\"}"),
                metrics.lines().filter(l -> l.contains("tokens_issued")).toList().toString());
    }

    @Test
    void accessTokenWhenFromFrontChannelThenRefusedAsIdTokenHintAndIdTokenRefusedAsBearer() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token token", "nonce", "n", "scope", "openid"));
        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + fragment.get("id_token")).statusCode(),
                "an ID token is no access token (token confusion)");
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "prompt", "none",
                "id_token_hint", fragment.get("access_token"))));
        assertEquals("invalid_request", error.get("error"), "an access token is no id_token_hint");
    }

    @Test
    void idTokenWhenIssuedToOneClientThenNotAnIdTokenHintForAnother() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token", "nonce", "n", "scope", "openid"));
        Map<String, String> error = fragment(server.get("/oauth2/authorize?" + form("response_type", "id_token", "client_id", "rs256",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "prompt", "none",
                "id_token_hint", fragment.get("id_token"))));
        assertEquals("invalid_request", error.get("error"));
    }

    @Test
    void opaqueAccessTokenWhenFrontChannelThenIntrospectableRevocableAndBoundByAtHash() throws Exception {
        server.save(server.confidential(Tenant.DEFAULT_ID, "opaque-implicit")
                .grantTypes(Set.of(GrantType.IMPLICIT))
                .responseTypes(Set.of(ResponseType.parse("id_token token")))
                .tokenSettings(dev.identityservice.core.token.TokenSettings.DEFAULTS
                        .withAccessTokenFormat(dev.identityservice.core.client.AccessTokenFormat.OPAQUE)));
        Map<String, String> fragment = fragment(signIn("", "opaque-implicit", "response_type", "id_token token", "nonce", "n",
                "scope", "openid email"));
        String token = fragment.get("access_token");
        assertFalse(token.chars().filter(c -> c == '.').count() == 2, "an opaque handle, not a JWT: " + token);
        assertEquals(leftHalf("SHA-256", token), OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet()
                .getStringClaim("at_hash"));
        HttpResponse<String> introspected = server.post("/oauth2/introspect", form("token", token),
                "Authorization", basic("opaque-implicit", SECRET));
        assertTrue(TestServer.json(introspected.body()).get("active").asBoolean(), introspected.body());
        assertEquals(200, server.get("/oauth2/userinfo", "Authorization", "Bearer " + token).statusCode());
        assertEquals(200, server.post("/oauth2/revoke", form("token", token), "Authorization", basic("opaque-implicit", SECRET)).statusCode());
        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void promptNoneWhenSessionTooOldForMaxAgeThenLoginRequiredInTheFragment() throws Exception {
        Browser browser = signedInBrowser();
        Thread.sleep(1100);
        Map<String, String> error = fragment(browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "prompt", "none",
                "max_age", "0"))));
        assertEquals("login_required", error.get("error"));
        assertFalse(error.containsKey("access_token"));
    }

    @Test
    void hybridCodeWhenReplayedThenTheAccessTokenIssuedWithItInTheFrontChannelIsRevokedToo() {
        // RFC 6749 §4.1.2: a code used twice SHOULD revoke all tokens issued based on it; the front-channel access
        // token of code token came from the same authorization, in the same response as the code.
        // Proves: a replayed hybrid code also revokes the access token that left with it in the fragment.
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code token", "scope", "openid"));
        OidcFlow.redeem(server, "", "hybrid", fragment.get("code"));
        server.post("/oauth2/token", form("grant_type", "authorization_code", "code", fragment.get("code"), "redirect_uri", REDIRECT),
                "Authorization", basic("hybrid", SECRET));
        assertFalse(introspect(fragment.get("access_token")).get("active").asBoolean(), "front-channel token still active");
    }

    @Test
    void responseTypeWhenRepeatedThenErrorPageNeverTokens() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n") + "&response_type=id_token+token");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty());
    }

    @Test
    void responseModeWhenRepeatedThenErrorPageNeverQuery() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "id_token token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "response_mode", "fragment")
                + "&response_mode=query");
        assertTrue(response.statusCode() == 400 || !location(response).contains("?"), response.statusCode() + " " + response.body());
    }

    @Test
    void idTokenAlgorithmTheTenantCannotSignWhenHybridThenErrorInTheFragmentNever500NorACode() {
        // The default tenant has ES256 keys and RS256 keys for ID tokens, no EdDSA key.
        server.save(server.confidential(Tenant.DEFAULT_ID, "eddsa-in-es256")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED))
                .idTokenSignedResponseAlg(SigningAlgorithm.EdDSA));
        HttpResponse<String> response = signIn("", "eddsa-in-es256", "response_type", "code id_token", "nonce", "n", "scope", "openid");
        Map<String, String> error = fragment(response);
        assertNotNull(error.get("error"), error.toString());
        assertNoToken(location(response));
    }

    // ---------------------------------------------------------------- form post

    @Test
    void formPostWhenStateIsMarkupThenEscapedAndPageLockedDown() {
        String state = "\"><script>alert(1)</script><img src=x onerror=alert(2)>'";
        HttpResponse<String> response = signIn("", "hybrid", "response_type", "code id_token token", "nonce", "n\"><b>",
                "scope", "openid", "response_mode", "form_post", "state", state);
        assertEquals(200, response.statusCode(), response.body());
        String body = response.body();
        assertFalse(body.contains("<script>alert"), body);
        assertFalse(body.contains("<img src=x"), body);
        assertEquals(state, hidden(body).get("state").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&"));
        String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'sha256-"), csp);
        assertFalse(csp.contains("unsafe-inline") && csp.contains("script-src 'unsafe-inline'"), csp);
        assertTrue(csp.contains("form-action https://app.example.com"), csp);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null));
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(null));
    }

    // ---------------------------------------------------------------- logs

    @Test
    void logsWhenTokensIssuedThenNoTokenInAnyLogLineAtInfoOrDebugOfOurLoggers() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("dev.identityservice");
        Logger access = (Logger) LoggerFactory.getLogger("identity.access");
        Level rootLevel = root.getLevel();
        Level oursLevel = ours.getLevel();
        Level accessLevel = access.getLevel();
        Logger audit = (Logger) LoggerFactory.getLogger("dev.identityservice.audit");
        Level auditLevel = audit.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
        ours.setLevel(Level.DEBUG);
        audit.setLevel(Level.DEBUG);
        access.setLevel(Level.INFO);
        List<String> secrets = new ArrayList<>();
        try {
            Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code id_token token", "nonce", "n",
                    "scope", "openid"));
            secrets.add(fragment.get("access_token"));
            secrets.add(fragment.get("id_token"));
            secrets.add(fragment.get("code"));
            // Then a token offered where it is refused, and the code replayed.
            server.get("/oauth2/userinfo", "Authorization", "Bearer " + fragment.get("id_token"));
            server.post("/oauth2/token", form("grant_type", "authorization_code", "code", fragment.get("code"), "redirect_uri", REDIRECT),
                    "Authorization", basic("hybrid", SECRET));
            server.post("/oauth2/token", form("grant_type", "authorization_code", "code", fragment.get("code"), "redirect_uri", REDIRECT),
                    "Authorization", basic("hybrid", SECRET));
            server.get("/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid", "redirect_uri", REDIRECT,
                    "state", "st", "scope", "openid", "nonce", "n", "id_token_hint", fragment.get("id_token") + "x"));
            server.flushAudit();
        } finally {
            root.detachAppender(appender);
            root.setLevel(rootLevel);
            ours.setLevel(oursLevel);
            audit.setLevel(auditLevel);
            access.setLevel(accessLevel);
        }
        List<String> lines = new ArrayList<>();
        // A copy under the appender's lock: a request's access-log line can still be appended after its response
        // reached the client, and after the appender was detached (it was taken for that event before).
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        for (ILoggingEvent event : events) {
            lines.add(event.getLoggerName() + " " + event.getFormattedMessage() + " " + event.getMDCPropertyMap()
                    + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage()));
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("identity.access")), "the access log was captured: " + lines);
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret) || line.contains(secret.substring(0, Math.min(40, secret.length()))),
                        "a token in a log line: " + line);
            }
        }
    }

    // ---------------------------------------------------------------- discovery

    @Test
    void discoveryWhenOnThenOidcAndRfc8414AgreeExactly() {
        JsonNode oidc = TestServer.json(server.get("/.well-known/openid-configuration").body());
        JsonNode oauth = TestServer.json(server.get("/.well-known/oauth-authorization-server").body());
        for (String field : List.of("response_types_supported", "response_modes_supported", "grant_types_supported")) {
            assertEquals(oidc.get(field), oauth.get(field), field);
        }
        assertEquals(Set.of("code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"),
                Set.copyOf(strings(oidc.get("response_types_supported"))));
        assertTrue(strings(oidc.get("grant_types_supported")).contains("implicit"));
        JsonNode off = TestServer.json(server.get("/.well-known/oauth-authorization-server/t/off").body());
        assertEquals(List.of("code"), strings(off.get("response_types_supported")));
        assertFalse(strings(off.get("response_modes_supported")).contains("fragment"));
    }

    // ---------------------------------------------------------------- dynamic registration

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"response_types\":[\"token\"],\"grant_types\":[\"implicit\"]}",
            "{\"response_types\":[\"none\"]}",
            "{\"response_types\":[\"id_token id_token\"],\"grant_types\":[\"implicit\"]}",
            "{\"response_types\":[\"code id_token\"],\"grant_types\":[\"implicit\"]}",
            "{\"response_types\":[\"code id_token\"],\"grant_types\":[\"authorization_code\"]}",
            "{\"response_types\":[\"id_token\"],\"grant_types\":[\"client_credentials\"]}",
            "{\"response_types\":\"id_token\",\"grant_types\":[\"implicit\"]}",
            "{\"response_types\":[\"code\"],\"grant_types\":[\"implicit\"]}"})
    void registrationWhenInconsistentOrUnsupportedThenInvalidClientMetadata(String metadata) {
        String body = "{\"redirect_uris\":[\"" + REDIRECT + "\"]," + metadata.substring(1);
        HttpResponse<String> response = register("", body);
        assertEquals(400, response.statusCode(), body + " -> " + response.body());
        assertEquals("invalid_client_metadata", TestServer.json(response.body()).get("error").asText(), response.body());
    }

    @Test
    void registrationWhenImplicitWebClientUsesHttpLocalhostThenRefused() {
        // OIDC Registration §2 (redirect_uris): "Web Clients using the OAuth Implicit Grant Type MUST only register
        // URLs using the https scheme as redirect_uris; they MUST NOT use localhost as the hostname."
        // Proves: registration refuses an implicit web client redirected to http://localhost or http://127.0.0.1.
        for (String uri : List.of("http://localhost:8000/cb", "http://127.0.0.1:8000/cb")) {
            HttpResponse<String> response = register("", "{\"redirect_uris\":[\"" + uri + "\"],\"application_type\":\"web\","
                    + "\"response_types\":[\"id_token token\"],\"grant_types\":[\"implicit\"]}");
            assertEquals(400, response.statusCode(), uri + " -> " + response.body());
        }
    }

    @Test
    void managementApiWhenImplicitWebClientUsesHttpLocalhostThenRefused() {
        // Proves: the management API refuses an implicit client (no application type: web) redirected to http://localhost.
        HttpResponse<String> created = adminSend("POST", "/admin/clients", adminToken, """
                {"clientId":"implicit-localhost","redirectUris":["http://localhost:8000/cb"],"grantTypes":["implicit"],
                 "responseTypes":["id_token token"]}""");
        assertEquals(400, created.statusCode(), created.body());
    }

    @Test
    void registrationWhenImplicitWebClientUsesHttpsLocalhostThenRefused() {
        // Proves: registration refuses an implicit web client redirected to https://localhost (MUST NOT use localhost).
        HttpResponse<String> response = register("", "{\"redirect_uris\":[\"https://localhost/cb\"],\"application_type\":\"web\","
                + "\"response_types\":[\"id_token\"],\"grant_types\":[\"implicit\"]}");
        assertEquals(400, response.statusCode(), response.body());
    }

    @Test
    void registrationWhenReadAndUpdatedThenResponseTypesKeptAndTenantOffRefusesUpdate() {
        JsonNode registered = TestServer.json(register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"code id_token\",\"code\"]}").body());
        String clientId = registered.get("client_id").asText();
        String token = registered.get("registration_access_token").asText();
        String uri = URI.create(registered.get("registration_client_uri").asText()).getPath();
        JsonNode read = TestServer.json(server.get(uri, "Authorization", "Bearer " + token).body());
        // RFC 7592 §3: the read answer may carry a new registration access token.
        token = read.path("registration_access_token").asText(token);
        assertEquals(Set.of("code", "code id_token"), Set.copyOf(strings(read.get("response_types"))));
        assertEquals(Set.of("authorization_code", "implicit"), Set.copyOf(strings(read.get("grant_types"))));

        HttpResponse<String> updated = server.send(HttpRequest.newBuilder(server.uri(uri)).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"client_id\":\"" + clientId + "\",\"redirect_uris\":[\"" + REDIRECT + "\"],\"response_types\":[\"code id_token\",\"code\"]}")),
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals(Set.of("code", "code id_token"), Set.copyOf(strings(TestServer.json(updated.body()).get("response_types"))));

        // Management view shows them too.
        JsonNode view = TestServer.json(adminSend("GET", "/admin/clients/" + clientId, adminToken, null).body());
        assertEquals(Set.of("code", "code id_token"), Set.copyOf(strings(view.get("responseTypes"))));
    }

    @Test
    void registrationWhenTenantOffThenImplicitGrantAloneRefusedToo() {
        HttpResponse<String> refused = register("/t/off", "{\"redirect_uris\":[\"" + REDIRECT + "\"],\"grant_types\":[\"implicit\"]}");
        assertEquals(400, refused.statusCode(), refused.body());
        HttpResponse<String> hybrid = register("/t/off", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"code\",\"code token\"]}");
        assertEquals(400, hybrid.statusCode(), hybrid.body());
    }

    @Test
    void registrationWhenImplicitWithoutRedirectUrisThenInvalidRedirectUri() {
        HttpResponse<String> response = register("", "{\"response_types\":[\"id_token\"],\"grant_types\":[\"implicit\"]}");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_redirect_uri", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void registrationWhenResponseTypesEmptyListThenNoFrontChannelType() {
        HttpResponse<String> response = register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],\"response_types\":[]}");
        if (response.statusCode() == 201) {
            List<String> types = strings(TestServer.json(response.body()).get("response_types"));
            assertFalse(types.stream().anyMatch(t -> t.contains("token")), types.toString());
        } else {
            assertEquals(400, response.statusCode(), response.body());
        }
    }

    // ---------------------------------------------------------------- management API and export

    @Test
    void exportWhenTenantOnThenSwitchAndResponseTypesRoundTripThroughImportIntoAFreshServer() throws Exception {
        HttpResponse<String> export = adminSend("GET", "/admin/tenants/toggle/export", adminToken, null);
        assertEquals(200, export.statusCode(), export.body());
        assertEquals("no-store", export.headers().firstValue("Cache-Control").orElse(null));
        JsonNode file = TestServer.json(export.body());
        assertTrue(file.get("tenants").get(0).path("implicitAndHybridFlows").asBoolean(false), file.get("tenants").toString());
        JsonNode entry = null;
        for (JsonNode client : file.get("clients")) {
            if ("hybrid".equals(client.get("clientId").asText())) {
                entry = client;
            }
        }
        assertNotNull(entry, export.body());
        assertEquals(Set.of("code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"),
                Set.copyOf(strings(entry.get("responseTypes"))));

        // The export has no secret: give the client one, then import into a fresh server.
        ((com.fasterxml.jackson.databind.node.ObjectNode) entry).put("secret", SECRET);
        for (JsonNode user : file.path("users")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) user).put("password", PASSWORD);
        }
        java.nio.file.Path setup = java.nio.file.Files.createTempFile("implicit-export", ".json");
        java.nio.file.Files.writeString(setup, file.toString());
        try (TestServer fresh = TestServer.start(b -> b.importFile(setup.toString()))) {
            JsonNode discovery = TestServer.json(fresh.get("/t/toggle/.well-known/openid-configuration").body());
            assertTrue(strings(discovery.get("response_types_supported")).contains("id_token token"), discovery.toString());
            Browser browser = new Browser();
            HttpResponse<String> page = browser.get(fresh.uri("/t/toggle/oauth2/authorize?" + form("response_type", "id_token token",
                    "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n")));
            assertEquals(200, page.statusCode(), page.body());
            Browser.LoginForm login = Browser.loginForm(page.body());
            Map<String, String> fragment = fragment(browser.post(login.action(), login.withCredentials("alice", PASSWORD)));
            assertNotNull(fragment.get("id_token"), fragment.toString());
        } finally {
            java.nio.file.Files.deleteIfExists(setup);
        }
    }

    @Test
    void managementApiWhenTenantOffThenClientMayBeStoredButNeverUsesItsTypes() {
        String token = passwordToken("/t/toggle", "demo", "root");
        assertEquals(200, adminSend("PUT", "/t/toggle/admin/implicit-hybrid-flows", token, "{\"enabled\":false}").statusCode());
        try {
            HttpResponse<String> created = adminSend("POST", "/t/toggle/admin/clients", token, """
                    {"clientId":"stored-anyway","redirectUris":["https://app.example.com/callback"],"secret":"%s",
                     "grantTypes":["implicit"],"responseTypes":["id_token token"]}""".formatted(SECRET));
            if (created.statusCode() == 201) {
                HttpResponse<String> response = server.get("/t/toggle/oauth2/authorize?" + form("response_type", "id_token token",
                        "client_id", "stored-anyway", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
                assertNoToken(location(response));
                assertTrue(location(response).contains("error=unsupported_response_type"), location(response));
            } else {
                assertEquals(400, created.statusCode(), created.body());
            }
        } finally {
            adminSend("PUT", "/t/toggle/admin/implicit-hybrid-flows", token, "{\"enabled\":true}");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static HttpResponse<String> register(String tenantPath, String body) {
        return server.post(tenantPath + "/oauth2/register", body, "Content-Type", "application/json");
    }

    private static HttpResponse<String> adminSend(String method, String path, String token, String json) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
        return json == null
                ? server.send(HttpRequest.newBuilder(server.uri(path)).method(method, body), "Authorization", "Bearer " + token)
                : server.send(HttpRequest.newBuilder(server.uri(path)).method(method, body), "Authorization", "Bearer " + token,
                        "Content-Type", "application/json");
    }

    private static String passwordToken(String prefix, String clientId, String username) {
        HttpResponse<String> response = server.post(prefix + "/oauth2/token",
                form("grant_type", "password", "username", username, "password", PASSWORD), "Authorization", basic(clientId, SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response.body()).get("access_token").asText();
    }

    private static JsonNode introspect(String token) {
        HttpResponse<String> response = server.post("/oauth2/introspect", form("token", token), "Authorization", basic("hybrid", SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response.body());
    }

    /** A browser with alice signed in (code flow of client hybrid). */
    private static Browser signedInBrowser() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        assertNotNull(OidcFlow.query(browser.post(login.action(), login.withCredentials("alice", PASSWORD))).get("code"));
        return browser;
    }

    private static HttpResponse<String> signIn(String tenantPath, String clientId, String... parameters) {
        return signInTo(REDIRECT, tenantPath, clientId, parameters);
    }

    /** Signs alice in on a fresh browser's login page; later parameters replace earlier ones of the same name. */
    private static HttpResponse<String> signInTo(String redirect, String tenantPath, String clientId, String... parameters) {
        Browser browser = new Browser();
        Map<String, String> all = new LinkedHashMap<>(Map.of("client_id", clientId, "redirect_uri", redirect, "state", "st"));
        for (int i = 0; i < parameters.length; i += 2) {
            all.put(parameters[i], parameters[i + 1]);
        }
        HttpResponse<String> page = browser.get(server.uri(tenantPath + "/oauth2/authorize?" + form(flatten(all))));
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());
        return browser.post(login.action(), login.withCredentials("alice", PASSWORD));
    }

    private static String[] flatten(Map<String, String> map) {
        List<String> out = new ArrayList<>();
        map.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(String[]::new);
    }

    private static String location(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        return response.headers().firstValue("Location").orElseThrow();
    }

    /** No token of any kind anywhere in a redirect (query or fragment). */
    private static void assertNoToken(String location) {
        for (String name : List.of("access_token=", "id_token=", "code=")) {
            assertFalse(location.contains("?" + name) || location.contains("&" + name) || location.contains("#" + name),
                    name + " in " + location);
        }
    }

    private static Map<String, String> hidden(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(body);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    /** The parameters in the fragment of a redirect to the client. */
    private static Map<String, String> fragment(HttpResponse<String> redirect) {
        String location = location(redirect);
        int hash = location.indexOf('#');
        assertTrue(hash > 0, location);
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : location.substring(hash + 1).split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String leftHalf(String algorithm, String value) throws Exception {
        byte[] hash = MessageDigest.getInstance(algorithm).digest(value.getBytes(StandardCharsets.US_ASCII));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, hash.length / 2));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}
