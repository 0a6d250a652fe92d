package dev.identityservice.server.edge;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.Address;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, kind 14: discovery advertises only what the server does. Every advertised scope can be granted;
 * every advertised claim is delivered, in the ID token or at UserInfo, to a client that asks for every
 * advertised scope about a user whose profile is complete; {@code offline_access} and {@code sid}, which
 * nothing here implements, are not advertised.
 */
class TruthfulDiscoveryTest {

    private static final String REDIRECT = "https://app.example.com/callback";

    private static TestServer server;
    private static JsonNode metadata;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        metadata = json(server.get("/.well-known/openid-configuration").body());
        server.save(server.confidential(Tenant.DEFAULT_ID, "web").scopes(Set.copyOf(strings(metadata.get("scopes_supported"))))
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)));
        server.server.engine().userRegistration().register(Tenant.DEFAULT_ID, "zed", PASSWORD.toCharArray(),
                UserProfile.builder().name("Zed Example").givenName("Zed").familyName("Example").middleName("Z")
                        .nickname("Z").profile("https://zed.example.com/").picture("https://img.example.com/zed.png")
                        .website("https://zed.example.com/blog").email("zed@example.com").emailVerified(true).gender("male")
                        .birthdate("1980").zoneinfo("UTC").locale("en").phoneNumber("+15550100").phoneNumberVerified(false)
                        .address(new Address(null, null, "Zedville", null, null, null)).build(),
                Set.of("user"), Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void discoveryWhenReadThenNoOfflineAccessNorFrontChannelButBackChannelLogoutWithSid() {
        assertFalse(strings(metadata.get("scopes_supported")).contains("offline_access"), metadata.toString());
        // Back-Channel Logout 1.0 is implemented: sid is in ID and access tokens of browser sessions.
        assertTrue(strings(metadata.get("claims_supported")).contains("sid"), metadata.toString());
        assertTrue(metadata.get("backchannel_logout_supported").asBoolean());
        assertTrue(metadata.get("backchannel_logout_session_supported").asBoolean());
        for (String absent : List.of("frontchannel_logout_session_supported", "frontchannel_logout_supported", "check_session_iframe")) {
            assertFalse(metadata.has(absent), absent);
        }
    }

    @Test
    void everyAdvertisedScopeAndClaimWhenRequestedThenDelivered() {
        List<String> scopes = strings(metadata.get("scopes_supported"));
        Browser browser = new Browser();
        Browser.LoginForm login = Browser.loginForm(browser.get(server.uri("/oauth2/authorize?" + form("response_type", "code",
                "client_id", "web", "redirect_uri", REDIRECT, "state", "s", "nonce", "n-1", "acr_values", "1", "scope", String.join(" ", scopes)))).body());
        String code = Redirects.query(browser.post(login.action(), login.withCredentials("zed", PASSWORD))).get("code");
        HttpResponse<String> token = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT), "Authorization", basic("web", SECRET));
        assertEquals(200, token.statusCode(), token.body());
        JsonNode tokens = json(token.body());

        assertEquals(Set.copyOf(scopes), Set.of(tokens.get("scope").asText().split(" ")));
        Set<String> delivered = new HashSet<>();
        String idToken = tokens.get("id_token").asText();
        json(new String(Base64.getUrlDecoder().decode(idToken.split("\\.")[1]), StandardCharsets.UTF_8)).fieldNames()
                .forEachRemaining(delivered::add);
        HttpResponse<String> userInfo = server.get("/oauth2/userinfo", "Authorization", "Bearer " + tokens.get("access_token").asText());
        assertEquals(200, userInfo.statusCode(), userInfo.body());
        json(userInfo.body()).fieldNames().forEachRemaining(delivered::add);

        List<String> undelivered = strings(metadata.get("claims_supported")).stream().filter(c -> !delivered.contains(c)).toList();
        assertEquals(List.of(), undelivered, "advertised but never delivered; delivered: " + delivered);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
