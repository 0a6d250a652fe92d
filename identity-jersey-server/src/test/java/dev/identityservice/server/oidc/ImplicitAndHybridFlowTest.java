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

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The implicit and hybrid flows (OIDC Core §3.2, §3.3; OAuth 2.0 Multiple Response Types; Form Post Response
 * Mode) over real HTTP against a server whose default tenant enables them and whose tenant {@code off} does not:
 * every response type, the fragment, nonce, at_hash and c_hash checked against signatures verified with the JWKS,
 * the hybrid code redeemed, the implicit access token at userinfo, introspection and revocation, and dynamic
 * registration's response types.
 */
class ImplicitAndHybridFlowTest {

    private static final String REDIRECT = OidcFlow.REDIRECT;
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.implicitAndHybridFlows(true).registrationMode("open"));
        server.user("alice", "user");
        server.save(server.confidential(Tenant.DEFAULT_ID, "hybrid")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT, GrantType.REFRESH_TOKEN))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED))
                .scopes(Set.of("openid", "profile", "email", "api")));
        // Every grant, but registered for code only (the default): the grant alone does not open a response type.
        server.save(server.confidential(Tenant.DEFAULT_ID, "code-only"));
        Tenant off = server.tenant("off");
        server.server.engine().updateTenant(off.withRegistrationMode(RegistrationMode.OPEN));
        server.userIn("off", "alice", "user");
        server.save(server.confidential("off", "hybrid")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void discoveryWhenTenantEnablesThenEveryResponseTypeImplicitAndFragment() {
        JsonNode on = TestServer.json(server.get("/.well-known/openid-configuration").body());
        assertEquals(List.of("code", "id_token", "id_token token", "code id_token", "code token", "code id_token token"),
                strings(on.get("response_types_supported")));
        assertTrue(strings(on.get("grant_types_supported")).contains("implicit"));
        assertEquals(List.of("query", "fragment", "form_post"), strings(on.get("response_modes_supported")));
    }

    @Test
    void discoveryWhenTenantOffThenCodeOnlyAsBefore() {
        JsonNode off = TestServer.json(server.get("/t/off/.well-known/openid-configuration").body());
        assertEquals(List.of("code"), strings(off.get("response_types_supported")));
        assertFalse(strings(off.get("grant_types_supported")).contains("implicit"));
        assertEquals(List.of("query", "form_post"), strings(off.get("response_modes_supported")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"id_token", "id_token token", "token id_token", "code id_token", "code token", "id_token code token"})
    void responseTypeWhenSignedInThenFragmentCarriesExactlyItsTokensBoundByHashes(String responseType) throws Exception {
        ResponseType type = ResponseType.parse(responseType);
        String nonce = "n-" + UUID.randomUUID();
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", responseType, "nonce", nonce,
                "scope", "openid email"));

        assertEquals("st", fragment.get("state"));
        assertEquals(type.code(), fragment.containsKey("code"), fragment.toString());
        assertEquals(type.token(), fragment.containsKey("access_token"), fragment.toString());
        assertEquals(type.idToken(), fragment.containsKey("id_token"), fragment.toString());
        assertFalse(fragment.containsKey("refresh_token"), "never a refresh token in the front channel");
        if (type.token()) {
            assertEquals("Bearer", fragment.get("token_type"));
            assertTrue(Long.parseLong(fragment.get("expires_in")) > 0);
            SignedJWT access = OidcFlow.verified(server, "", fragment.get("access_token"));
            assertEquals("at+jwt", access.getHeader().getType().toString(), "the code flow's format");
        }
        if (type.idToken()) {
            SignedJWT idToken = OidcFlow.verified(server, "", fragment.get("id_token"));
            JWTClaimsSet claims = idToken.getJWTClaimsSet();
            assertEquals(nonce, claims.getStringClaim("nonce"));
            assertEquals(List.of("hybrid"), claims.getAudience());
            assertEquals(type.token() ? leftHalfSha256(fragment.get("access_token")) : null, claims.getStringClaim("at_hash"));
            assertEquals(type.code() ? leftHalfSha256(fragment.get("code")) : null, claims.getStringClaim("c_hash"));
            assertNotNull(claims.getStringClaim("sid"), "a session's ID token names it for back-channel logout");
            // OIDC Core §5.4: when no access token is ever issued, the scope's claims are in the ID token.
            assertEquals(type.token() || type.code() ? null : "alice@example.com", claims.getStringClaim("email"));
        }
    }

    @Test
    void hybridCodeWhenRedeemedThenTokensForTheSameUser() throws Exception {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code id_token", "nonce", "n1",
                "scope", "openid"));
        String frontSub = OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet().getSubject();

        JsonNode tokens = OidcFlow.redeem(server, "", "hybrid", fragment.get("code"));
        JWTClaimsSet backChannel = OidcFlow.verified(server, "", tokens.get("id_token").asText()).getJWTClaimsSet();
        assertEquals(frontSub, backChannel.getSubject());
        assertEquals("n1", backChannel.getStringClaim("nonce"));
        assertTrue(tokens.has("access_token"));
    }

    @Test
    void implicitAccessTokenWhenUsedThenUserinfoIntrospectionAndRevocationTreatItAsAnyOther() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "id_token token", "nonce", "n2",
                "scope", "openid email"));
        String token = fragment.get("access_token");

        HttpResponse<String> userinfo = server.get("/oauth2/userinfo", "Authorization", "Bearer " + token);
        assertEquals(200, userinfo.statusCode(), userinfo.body());
        assertEquals("alice@example.com", TestServer.json(userinfo.body()).get("email").asText());
        assertTrue(introspect(token).get("active").asBoolean());

        HttpResponse<String> revoked = server.post("/oauth2/revoke", form("token", token), "Authorization", basic("hybrid", SECRET));
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertFalse(introspect(token).get("active").asBoolean());
        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void sessionWhenPromptNoneThenTokensWithoutLoginAndWithoutSessionLoginRequiredInTheFragment() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "first")));
        Browser.LoginForm login = Browser.loginForm(page.body());
        String firstSid = OidcFlow.verified(server, "", fragment(browser.post(login.action(), login.withCredentials("alice", PASSWORD)))
                .get("id_token")).getJWTClaimsSet().getStringClaim("sid");

        Map<String, String> silent = fragment(browser.get(server.uri("/oauth2/authorize?" + form("response_type", "id_token token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "second", "prompt", "none"))));
        JWTClaimsSet claims = OidcFlow.verified(server, "", silent.get("id_token")).getJWTClaimsSet();
        assertEquals("second", claims.getStringClaim("nonce"));
        assertEquals(firstSid, claims.getStringClaim("sid"), "the same session");

        Map<String, String> noSession = fragment(new Browser().get(server.uri("/oauth2/authorize?" + form("response_type", "id_token",
                "client_id", "hybrid", "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "prompt", "none"))));
        assertEquals("login_required", noSession.get("error"));
    }

    @Test
    void pushedRequestWhenImplicitThenTokensInTheFragmentAsForItsParameters() throws Exception {
        HttpResponse<String> pushed = server.post("/oauth2/par", form("response_type", "id_token token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "pushed", "scope", "openid", "nonce", "np"), "Authorization", basic("hybrid", SECRET));
        assertEquals(201, pushed.statusCode(), pushed.body());
        String requestUri = TestServer.json(pushed.body()).get("request_uri").asText();

        Map<String, String> fragment = fragment(signIn("", "hybrid", "request_uri", requestUri));
        assertEquals("pushed", fragment.get("state"));
        assertEquals("np", OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet().getStringClaim("nonce"));
        assertNotNull(fragment.get("access_token"));
    }

    @Test
    void idTokenWhenNonceMissingThenInvalidRequestInTheFragment() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid"));
        Map<String, String> fragment = fragment(response);
        assertEquals("invalid_request", fragment.get("error"));
        assertEquals("st", fragment.get("state"));
        // RFC 6749 §4.2.2.1: printable ASCII only (the conformance suite failed "... (OIDC Core §3.2.2.1)").
        String description = fragment.get("error_description");
        assertTrue(description.contains("nonce") && description.chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'),
                description);
    }

    @Test
    void codeTokenWhenNonceMissingThenIssuedSinceNoIdTokenComesFromTheAuthorizationEndpoint() {
        Map<String, String> fragment = fragment(signIn("", "hybrid", "response_type", "code token", "scope", "openid"));
        assertTrue(fragment.containsKey("code") && fragment.containsKey("access_token"), fragment.toString());
    }

    @Test
    void queryResponseModeWhenTokensAskedForThenRefusedInTheFragmentAndNothingInTheQuery() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "id_token token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n", "response_mode", "query"));
        String location = response.headers().firstValue("Location").orElseThrow();
        assertNull(URI.create(location).getRawQuery(), location);
        assertEquals("invalid_request", fragment(response).get("error"));
    }

    @Test
    void formPostWhenHybridThenCodeIdTokenAndStatePostedAndNothingInAUrl() throws Exception {
        HttpResponse<String> response = signIn("", "hybrid", "response_type", "code id_token", "nonce", "n3", "scope", "openid",
                "response_mode", "form_post");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").isEmpty());
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(response.body());
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        assertEquals("st", fields.get("state"));
        JWTClaimsSet claims = OidcFlow.verified(server, "", fields.get("id_token")).getJWTClaimsSet();
        assertEquals(leftHalfSha256(fields.get("code")), claims.getStringClaim("c_hash"));
    }

    @Test
    void tenantOffWhenIdTokenAskedForThenUnsupportedResponseTypeInTheQueryAsBefore() {
        HttpResponse<String> response = server.get("/t/off/oauth2/authorize?" + form("response_type", "id_token", "client_id", "hybrid",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
        assertEquals("unsupported_response_type", OidcFlow.query(response).get("error"));
    }

    @Test
    void clientNotRegisteredForTheTypeThenUnauthorizedClient() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code id_token", "client_id", "code-only",
                "redirect_uri", REDIRECT, "state", "st", "scope", "openid", "nonce", "n"));
        assertEquals("unauthorized_client", fragment(response).get("error"));
    }

    @Test
    void edDsaIdTokenWhenHybridThenHashesAreTheLeftHalfOfSha512() throws Exception {
        Tenant ed = server.server.engine().ensureTenant("ed", URI.create(server.server.issuer() + "/t/ed"), SigningAlgorithm.EdDSA);
        server.server.engine().updateTenant(ed.withImplicitAndHybridFlows(true));
        server.userIn("ed", "alice", "user");
        server.save(server.confidential("ed", "hybrid").grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.IMPLICIT))
                .responseTypes(Set.copyOf(ResponseType.SUPPORTED)).idTokenSignedResponseAlg(SigningAlgorithm.EdDSA));

        Map<String, String> fragment = fragment(signIn("/t/ed", "hybrid", "response_type", "code id_token token", "nonce", "n",
                "scope", "openid"));
        SignedJWT idToken = OidcFlow.verified(server, "/t/ed", fragment.get("id_token"));
        assertEquals("EdDSA", idToken.getHeader().getAlgorithm().getName());
        assertEquals(leftHalf("SHA-512", fragment.get("access_token")), idToken.getJWTClaimsSet().getStringClaim("at_hash"));
        assertEquals(leftHalf("SHA-512", fragment.get("code")), idToken.getJWTClaimsSet().getStringClaim("c_hash"));
    }

    @Test
    void registrationWhenResponseTypesAndGrantTypesAgreeThenRegisteredElseInvalidClientMetadata() {
        HttpResponse<String> implicit = register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"id_token\",\"token id_token\"],\"grant_types\":[\"implicit\"]}");
        assertEquals(201, implicit.statusCode(), implicit.body());
        assertEquals(List.of("id_token", "id_token token"), strings(TestServer.json(implicit.body()).get("response_types")));

        HttpResponse<String> derived = register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],\"response_types\":[\"code id_token\"]}");
        assertEquals(201, derived.statusCode(), derived.body());
        assertEquals(List.of("authorization_code", "implicit"), strings(TestServer.json(derived.body()).get("grant_types")));

        HttpResponse<String> missingImplicit = register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"id_token\"],\"grant_types\":[\"authorization_code\"]}");
        assertEquals(400, missingImplicit.statusCode());
        assertEquals("invalid_client_metadata", TestServer.json(missingImplicit.body()).get("error").asText());

        HttpResponse<String> unusedImplicit = register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"code\"],\"grant_types\":[\"authorization_code\",\"implicit\"]}");
        assertEquals(400, unusedImplicit.statusCode());
        assertEquals("invalid_client_metadata", TestServer.json(unusedImplicit.body()).get("error").asText());
    }

    @Test
    void registrationWhenImplicitClientRedirectedToLocalhostThenInvalidRedirectUriUnlessNative() {
        // OIDC Registration §2: web clients of the implicit grant register https only, never localhost; native
        // clients register loopback http or private-use schemes.
        for (String uri : List.of("http://localhost:8000/cb", "https://localhost/cb", "https://127.0.0.1/cb", "https://[::1]/cb")) {
            for (String type : List.of("", "\"application_type\":\"web\",")) {
                HttpResponse<String> refused = register("", "{\"redirect_uris\":[\"" + uri + "\"]," + type
                        + "\"response_types\":[\"code id_token\"]}");
                assertEquals(400, refused.statusCode(), uri + " " + type + " -> " + refused.body());
                assertEquals("invalid_redirect_uri", TestServer.json(refused.body()).get("error").asText(), refused.body());
            }
        }
        for (String uri : List.of("http://127.0.0.1:8000/cb", "com.example.app:/cb")) {
            HttpResponse<String> nativeClient = register("", "{\"redirect_uris\":[\"" + uri + "\"],\"application_type\":\"native\","
                    + "\"response_types\":[\"id_token\"],\"grant_types\":[\"implicit\"]}");
            assertEquals(201, nativeClient.statusCode(), uri + " -> " + nativeClient.body());
        }
        HttpResponse<String> codeOnly = register("", "{\"redirect_uris\":[\"http://localhost:8000/cb\"],\"application_type\":\"web\"}");
        assertEquals(201, codeOnly.statusCode(), "the rule is the implicit grant's: " + codeOnly.body());
    }

    @Test
    void registrationWhenTenantOffThenOnlyCode() {
        HttpResponse<String> refused = register("/t/off", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"id_token\"],\"grant_types\":[\"implicit\"]}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_client_metadata", TestServer.json(refused.body()).get("error").asText());
        HttpResponse<String> code = register("/t/off", "{\"redirect_uris\":[\"" + REDIRECT + "\"]}");
        assertEquals(201, code.statusCode(), code.body());
        assertEquals(List.of("code"), strings(TestServer.json(code.body()).get("response_types")));
    }

    @Test
    void registeredImplicitClientWhenSignedInThenIdTokenIssued() throws Exception {
        JsonNode registered = TestServer.json(register("", "{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"response_types\":[\"id_token\"],\"grant_types\":[\"implicit\"],\"token_endpoint_auth_method\":\"none\"}").body());
        String clientId = registered.get("client_id").asText();
        Map<String, String> fragment = fragment(signIn("", clientId, "response_type", "id_token", "nonce", "n4", "scope", "openid"));
        assertEquals(List.of(clientId), OidcFlow.verified(server, "", fragment.get("id_token")).getJWTClaimsSet().getAudience());
    }

    private static HttpResponse<String> register(String tenantPath, String body) {
        return server.post(tenantPath + "/oauth2/register", body, "Content-Type", "application/json");
    }

    private static JsonNode introspect(String token) {
        HttpResponse<String> response = server.post("/oauth2/introspect", form("token", token), "Authorization", basic("hybrid", SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response.body());
    }

    /** Signs alice in on a fresh browser's login page for {@code clientId} with {@code parameters}. */
    private static HttpResponse<String> signIn(String tenantPath, String clientId, String... parameters) {
        Browser browser = new Browser();
        List<String> all = new ArrayList<>(List.of("client_id", clientId, "redirect_uri", REDIRECT, "state", "st"));
        all.addAll(Arrays.asList(parameters));
        HttpResponse<String> page = browser.get(server.uri(tenantPath + "/oauth2/authorize?" + form(all.toArray(String[]::new))));
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());
        return browser.post(login.action(), login.withCredentials("alice", PASSWORD));
    }

    /** The parameters in the fragment of a redirect to the client. */
    private static Map<String, String> fragment(HttpResponse<String> redirect) {
        assertEquals(302, redirect.statusCode(), redirect.body());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "#"), location);
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : location.substring(location.indexOf('#') + 1).split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String leftHalfSha256(String value) throws Exception {
        return leftHalf("SHA-256", value);
    }

    /** OIDC Core §3.2.2.9: base64url of the left half of the hash of the value's ASCII octets. */
    private static String leftHalf(String algorithm, String value) throws Exception {
        byte[] hash = MessageDigest.getInstance(algorithm).digest(value.getBytes(StandardCharsets.US_ASCII));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, hash.length / 2));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
