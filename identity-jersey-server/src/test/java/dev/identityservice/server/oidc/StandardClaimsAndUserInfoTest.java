package dev.identityservice.server.oidc;

import static dev.identityservice.server.oidc.OidcFlow.authorize;
import static dev.identityservice.server.oidc.OidcFlow.redeem;
import static dev.identityservice.server.oidc.OidcFlow.verified;
import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.AccessTokenFormat;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.TokenSettings;
import dev.identityservice.core.user.Address;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC Core §5 over real HTTP on a tenant that signs access tokens with ES256 (the test server's default):
 * standard claims at UserInfo by scope, the {@code claims} parameter, {@code acr}, UserInfo by GET and POST,
 * and RS256 ID tokens unless the client registers another algorithm.
 */
class StandardClaimsAndUserInfoTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        UserProfile profile = UserProfile.builder().name("Alice Q. Example").givenName("Alice").familyName("Example")
                .middleName("Quinn").nickname("Al").profile("https://alice.example.com/").picture("https://alice.example.com/me.png")
                .website("https://blog.alice.example.com").email("alice@example.com").emailVerified(true).gender("female")
                .birthdate("0000-04-01").zoneinfo("Europe/Paris").locale("fr-FR").phoneNumber("+33123456789")
                .phoneNumberVerified(true)
                .address(new Address("1 rue de la Paix\n75002 Paris\nFrance", "1 rue de la Paix", "Paris", "Île-de-France",
                        "75002", "FR"))
                .build();
        server.server.engine().userRegistration().register(Tenant.DEFAULT_ID, "alice", PASSWORD.toCharArray(), profile,
                Set.of("user"), Map.of());
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").scopes(Set.of("openid", "profile", "email", "address", "phone")));
        server.save(server.confidential(Tenant.DEFAULT_ID, "opaque").scopes(Set.of("openid", "profile"))
                .tokenSettings(TokenSettings.DEFAULTS.withAccessTokenFormat(AccessTokenFormat.OPAQUE)));
        server.save(server.confidential(Tenant.DEFAULT_ID, "es-client").scopes(Set.of("openid", "profile", "email"))
                .idTokenSignedResponseAlg(SigningAlgorithm.ES256).userinfoSignedResponseAlg(SigningAlgorithm.RS256));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void codeFlowWhenEveryClaimScopeThenUserinfoReleasesThemAllAndTheRs256IdTokenNone() throws Exception {
        Map<String, String> redirect = authorize(server, "", "client_id", "web", "scope", "openid profile email address phone",
                "nonce", "n-1");
        JsonNode tokens = redeem(server, "", "web", redirect.get("code"));

        SignedJWT idToken = verified(server, "", tokens.get("id_token").asText());
        assertEquals("RS256", idToken.getHeader().getAlgorithm().getName(), "OIDC Core §15.1 default on an ES256 tenant");
        assertEquals("ES256", SignedJWT.parse(tokens.get("access_token").asText()).getHeader().getAlgorithm().getName());
        JWTClaimsSet id = idToken.getJWTClaimsSet();
        assertEquals("n-1", id.getStringClaim("nonce"));
        assertEquals(List.of("pwd"), id.getStringListClaim("amr"));
        for (String claim : List.of("name", "email", "address", "phone_number", "birthdate", "acr")) {
            assertNull(id.getClaim(claim), claim + " belongs to userinfo when an access token is issued (§5.4)");
        }

        JsonNode info = TestServer.json(userinfoGet(tokens.get("access_token").asText()).body());
        assertEquals(id.getSubject(), info.get("sub").asText());
        assertEquals("Alice Q. Example", info.get("name").asText());
        assertEquals("Quinn", info.get("middle_name").asText());
        assertEquals("Al", info.get("nickname").asText());
        assertEquals("alice", info.get("preferred_username").asText());
        assertEquals("https://alice.example.com/", info.get("profile").asText());
        assertEquals("https://blog.alice.example.com", info.get("website").asText());
        assertEquals("female", info.get("gender").asText());
        assertEquals("0000-04-01", info.get("birthdate").asText());
        assertEquals("Europe/Paris", info.get("zoneinfo").asText());
        assertEquals("fr-FR", info.get("locale").asText());
        assertTrue(info.get("updated_at").isIntegralNumber());
        assertTrue(info.get("email_verified").asBoolean());
        assertEquals("+33123456789", info.get("phone_number").asText());
        assertTrue(info.get("phone_number_verified").asBoolean());
        assertEquals("Paris", info.get("address").get("locality").asText());
        assertEquals("75002", info.get("address").get("postal_code").asText());
        assertEquals("1 rue de la Paix\n75002 Paris\nFrance", info.get("address").get("formatted").asText());
    }

    @Test
    void userinfoWhenOnlyOpenidThenSubAlone() {
        Map<String, String> redirect = authorize(server, "", "client_id", "web", "scope", "openid");
        JsonNode info = TestServer.json(userinfoGet(redeem(server, "", "web", redirect.get("code")).get("access_token").asText()).body());

        assertEquals(List.of("sub"), fieldNames(info));
    }

    @Test
    void userinfoWhenTokenInFormBodyThenAnsweredAndInBodyAndHeaderThenInvalidRequest() {
        String token = server.passwordLogin("web", "alice").get("access_token").asText();

        HttpResponse<String> body = server.post("/oauth2/userinfo", form("access_token", token));
        assertEquals(200, body.statusCode(), body.body());
        assertEquals("alice@example.com", TestServer.json(body.body()).get("email").asText());

        HttpResponse<String> both = server.post("/oauth2/userinfo", form("access_token", token), "Authorization", "Bearer " + token);
        assertEquals(400, both.statusCode());
        assertTrue(challenge(both).contains("error=\"invalid_request\""), challenge(both));

        HttpResponse<String> header = server.post("/oauth2/userinfo", "", "Authorization", "Bearer " + token);
        assertEquals(200, header.statusCode(), header.body());

        HttpResponse<String> none = server.post("/oauth2/userinfo", form("other", "x"));
        assertEquals(401, none.statusCode());
        assertFalse(challenge(none).contains("error="), "no token: no error code (RFC 6750 §3.1)");

        HttpResponse<String> forged = server.post("/oauth2/userinfo", form("access_token", token + "x"));
        assertEquals(401, forged.statusCode());
        assertTrue(challenge(forged).contains("error=\"invalid_token\""));

        HttpResponse<String> repeated = server.post("/oauth2/userinfo", form("access_token", token, "access_token", token));
        assertEquals(400, repeated.statusCode());
    }

    @Test
    void claimsParameterWhenIdTokenAndUserinfoMembersThenEachGetsItsClaimsAlsoAfterRefresh() throws Exception {
        String claims = "{\"id_token\":{\"email\":{\"essential\":true},\"acr\":null,\"unknown_claim\":null},"
                + "\"userinfo\":{\"given_name\":null,\"phone_number\":{\"essential\":false}}}";
        Map<String, String> redirect = authorize(server, "", "client_id", "web", "scope", "openid", "claims", claims);
        JsonNode tokens = redeem(server, "", "web", redirect.get("code"));

        JWTClaimsSet id = verified(server, "", tokens.get("id_token").asText()).getJWTClaimsSet();
        assertEquals("alice@example.com", id.getStringClaim("email"));
        assertEquals("1", id.getStringClaim("acr"));
        assertNull(id.getClaim("given_name"), "asked for userinfo only");
        JsonNode info = TestServer.json(userinfoGet(tokens.get("access_token").asText()).body());
        assertEquals(Set.of("sub", "given_name", "phone_number"), Set.copyOf(fieldNames(info)));

        HttpResponse<String> refreshed = server.post("/oauth2/token", form("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText()), "Authorization", TestServer.basic("web", TestServer.SECRET));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        JsonNode again = TestServer.json(refreshed.body());
        assertEquals("alice@example.com", verified(server, "", again.get("id_token").asText()).getJWTClaimsSet().getStringClaim("email"));
        assertEquals(Set.of("sub", "given_name", "phone_number"),
                Set.copyOf(fieldNames(TestServer.json(userinfoGet(again.get("access_token").asText()).body()))));
    }

    @Test
    void claimsParameterWhenUserinfoMemberAndOpaqueAccessTokenThenUserinfoStillAnswersIt() {
        Map<String, String> redirect = authorize(server, "", "client_id", "opaque", "scope", "openid",
                "claims", "{\"userinfo\":{\"email\":null,\"acr\":{\"essential\":true,\"value\":\"1\"}}}");
        String accessToken = redeem(server, "", "opaque", redirect.get("code")).get("access_token").asText();

        assertFalse(accessToken.contains("."), "opaque");
        JsonNode info = TestServer.json(userinfoGet(accessToken).body());
        assertEquals(Set.of("sub", "email", "acr"), Set.copyOf(fieldNames(info)));
        assertEquals("1", info.get("acr").asText());
    }

    @Test
    void claimsParameterWhenIdTokenSubIsAnotherUserThenLoginRequiredAndNoCode() {
        Map<String, String> redirect = authorize(server, "", "client_id", "web", "scope", "openid",
                "claims", "{\"id_token\":{\"sub\":{\"value\":\"someone-else\"}}}");

        assertEquals("login_required", redirect.get("error"));
        assertFalse(redirect.containsKey("code"));
    }

    @Test
    void claimsParameterWhenMalformedThenInvalidRequestOnTheRedirect() {
        for (String claims : List.of("not json", "[1]", "{\"id_token\":[]}", "{\"userinfo\":{\"email\":true}}",
                "{\"id_token\":{\"email\":{\"essential\":\"yes\"}}}", "{\"id_token\":{\"email\":{\"values\":\"a\"}}}")) {
            HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                    "redirect_uri", OidcFlow.REDIRECT, "state", "s", "scope", "openid", "claims", claims));

            Map<String, String> query = OidcFlow.query(response);
            assertEquals("invalid_request", query.get("error"), claims);
            assertEquals("s", query.get("state"));
        }
    }

    @Test
    void acrValuesWhenRequestedThenIdTokenCarriesAcrAndWhenNotThenNone() throws Exception {
        Map<String, String> asked = authorize(server, "", "client_id", "web", "scope", "openid", "acr_values", "urn:other 1");
        JWTClaimsSet id = verified(server, "", redeem(server, "", "web", asked.get("code")).get("id_token").asText()).getJWTClaimsSet();
        assertEquals("1", id.getStringClaim("acr"));
        assertTrue(id.getLongClaim("auth_time") > 0);

        Map<String, String> notAsked = authorize(server, "", "client_id", "web", "scope", "openid");
        assertNull(verified(server, "", redeem(server, "", "web", notAsked.get("code")).get("id_token").asText())
                .getJWTClaimsSet().getClaim("acr"));
    }

    @Test
    void claimsParameterWhenEssentialAcrCannotBeMetThenUnmetAuthenticationRequirements() {
        HttpResponse<String> response = server.get("/oauth2/authorize?" + form("response_type", "code", "client_id", "web",
                "redirect_uri", OidcFlow.REDIRECT, "state", "s", "scope", "openid",
                "claims", "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"urn:mfa\"]}}}"));

        assertEquals("unmet_authentication_requirements", OidcFlow.query(response).get("error"));
    }

    @Test
    void clientWhenIdTokenEs256AndUserinfoRs256RegisteredThenBothSignedSoAndUserinfoIsAJwt() throws Exception {
        Map<String, String> redirect = authorize(server, "", "client_id", "es-client", "scope", "openid email");
        JsonNode tokens = redeem(server, "", "es-client", redirect.get("code"));

        assertEquals("ES256", verified(server, "", tokens.get("id_token").asText()).getHeader().getAlgorithm().getName());
        HttpResponse<String> info = userinfoGet(tokens.get("access_token").asText());
        assertEquals(200, info.statusCode(), info.body());
        assertEquals("application/jwt", info.headers().firstValue("Content-Type").orElse(""));
        SignedJWT signed = verified(server, "", info.body());
        assertEquals("RS256", signed.getHeader().getAlgorithm().getName());
        assertEquals(List.of("es-client"), signed.getJWTClaimsSet().getAudience());
        assertEquals(server.server.issuer().toString(), signed.getJWTClaimsSet().getIssuer());
        assertEquals("alice@example.com", signed.getJWTClaimsSet().getStringClaim("email"));
    }

    @Test
    void discoveryWhenEs256AndRs256TenantsThenEachAdvertisesExactlyWhatItsKeysSign() {
        server.server.engine().ensureTenant("rsa", URI.create(server.server.issuer() + "/t/rsa"), SigningAlgorithm.RS256);
        JsonNode es = TestServer.json(server.get("/.well-known/openid-configuration").body());
        JsonNode rsa = TestServer.json(server.get("/t/rsa/.well-known/openid-configuration").body());

        assertEquals(List.of("RS256", "ES256"), texts(es.get("id_token_signing_alg_values_supported")));
        assertEquals(List.of("RS256", "ES256"), texts(es.get("userinfo_signing_alg_values_supported")));
        assertEquals(List.of("RS256"), texts(rsa.get("id_token_signing_alg_values_supported")));
        assertTrue(es.get("claims_parameter_supported").asBoolean());
        assertEquals(List.of("query", "form_post"), texts(es.get("response_modes_supported")));
        assertEquals(List.of("1"), texts(es.get("acr_values_supported")));
        assertTrue(texts(es.get("scopes_supported")).containsAll(List.of("address", "phone")));
        assertTrue(texts(es.get("claims_supported")).containsAll(List.of("acr", "address", "phone_number", "birthdate", "updated_at")));
    }

    private static HttpResponse<String> userinfoGet(String accessToken) {
        return server.get("/oauth2/userinfo", "Authorization", "Bearer " + accessToken);
    }

    private static String challenge(HttpResponse<String> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse("");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
