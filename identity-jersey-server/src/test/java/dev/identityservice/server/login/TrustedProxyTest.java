package dev.identityservice.server.login;

import static dev.identityservice.server.login.LoginHttp.throttled;
import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identityservice.server.ServerConfig;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Behind a reverse proxy: forwarding headers are believed from the configured proxies only, and then give the
 * client address (throttle, access log), the scheme and the host; the issuer is the configured public URL.
 */
class TrustedProxyTest {

    private static final String PUBLIC_ISSUER = "https://id.example.com";

    @Test
    void tokenWhenBehindTrustedProxyThenPerAddressBudgetsApplyToTheForwardedAddress() {
        try (TestServer server = TestServer.start(b -> b.trustedProxies("10.0.0.0/8, 127.0.0.1").issuer(PUBLIC_ISSUER))) {
            server.confidentialClient(LoginHttp.CLIENT);
            server.user("alice", "user");
            LoginHttp http = new LoginHttp(server);
            for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
                assertFalse(throttled(http.passwordGrant("192.0.2.7", "alice", "guess-" + i)));
            }

            assertTrue(throttled(http.passwordGrant("192.0.2.7", "alice", "guess")), "the guesser's address is spent");
            assertEquals(200, http.passwordGrant("192.0.2.8", "alice", PASSWORD).statusCode(), "another client behind the same proxy");
            assertEquals(200, http.passwordGrant("2001:db8::9", "alice", PASSWORD).statusCode());
        }
    }

    @Test
    void tokenWhenForwardingHeadersComeFromAnUntrustedPeerThenIgnored() {
        try (TestServer server = TestServer.start(b -> b.trustedProxies("10.0.0.0/8").issuer(PUBLIC_ISSUER))) {
            server.confidentialClient(LoginHttp.CLIENT);
            server.user("alice", "user");
            LoginHttp http = new LoginHttp(server);
            for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
                // A new made-up address each time: were they believed, no budget would ever fill.
                assertFalse(throttled(http.passwordGrant("192.0.2." + i, "alice", "guess-" + i)));
            }

            assertTrue(throttled(http.passwordGrant("192.0.2.99", "alice", PASSWORD)), "every request counts as 127.0.0.1");
            assertTrue(throttled(viaForwarded(server, "for=192.0.2.98", "alice", PASSWORD)));
        }
    }

    @Test
    void tokenWhenProxySetsXForwardedForAndClientAddsItsOwnForwardedThenTheClientCannotChooseItsAddress() {
        // The README's nginx sets X-Forwarded-For and passes any other header through, Forwarded included.
        try (TestServer server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer(PUBLIC_ISSUER))) {
            server.confidentialClient(LoginHttp.CLIENT);
            server.user("alice", "user");
            for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
                assertFalse(throttled(viaProxy(server, "192.0.2.7", "for=198.51.100." + i, "alice", "guess-" + i)));
            }

            assertTrue(throttled(viaProxy(server, "192.0.2.7", "for=198.51.100.99", "alice", "guess")),
                    "the address is the one the proxy set, whatever Forwarded the client made up");
        }
    }

    @Test
    void tokenWhenProxyHeadersAreForwardedThenXForwardedForFromTheClientIsIgnored() {
        try (TestServer server = TestServer.start(b -> b.trustedProxies("127.0.0.1").proxyHeaders("forwarded").issuer(PUBLIC_ISSUER))) {
            server.confidentialClient(LoginHttp.CLIENT);
            server.user("alice", "user");
            for (int i = 0; i < LoginLimits.DEFAULT_PER_ACCOUNT_ADDRESS; i++) {
                assertFalse(throttled(viaProxy(server, "198.51.100." + i, "for=192.0.2.7", "alice", "guess-" + i)));
            }

            assertTrue(throttled(viaProxy(server, "198.51.100.99", "for=192.0.2.7", "alice", "guess")));
            assertEquals(200, viaProxy(server, "192.0.2.7", "for=192.0.2.8", "alice", PASSWORD).statusCode(),
                    "the client at the address the proxy named in Forwarded");
        }
    }

    @Test
    void buildWhenProxyHeadersUnknownThenRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().issuer(PUBLIC_ISSUER).trustedProxies("10.0.0.1").proxyHeaders("both").build());

        assertTrue(e.getMessage().startsWith("proxy.headers: "), e.getMessage());
    }

    @Test
    void discoveryWhenBehindTrustedProxyThenClientsSeeThePublicHttpsIssuer() {
        try (TestServer server = TestServer.start(b -> b.trustedProxies("127.0.0.1").issuer(PUBLIC_ISSUER))) {
            server.confidentialClient("demo");
            server.user("root", "admin");
            String[] proxied = {"X-Forwarded-For", "192.0.2.20", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "id.example.com"};

            JsonNode discovery = json(server.get("/.well-known/openid-configuration", proxied).body());
            HttpResponse<String> token = server.post("/oauth2/token", form("grant_type", "password", "username", "root",
                    "password", PASSWORD, "scope", "openid"), concat(proxied, "Authorization", basic("demo", TestServer.SECRET)));
            String accessToken = json(token.body()).get("access_token").asText();
            HttpResponse<String> created = server.post("/admin/users", "{\"username\":\"dave\",\"password\":\"a long passphrase\"}",
                    concat(proxied, "Authorization", "Bearer " + accessToken, "Content-Type", "application/json"));

            assertEquals(PUBLIC_ISSUER, discovery.get("issuer").asText());
            assertTrue(discovery.get("token_endpoint").asText().startsWith(PUBLIC_ISSUER + "/"));
            assertTrue(discovery.get("jwks_uri").asText().startsWith(PUBLIC_ISSUER + "/"));
            assertEquals(PUBLIC_ISSUER, claims(accessToken).get("iss").asText());
            assertEquals(PUBLIC_ISSUER, claims(json(token.body()).get("id_token").asText()).get("iss").asText());
            // Links the server builds from the request carry the scheme and host the proxy forwarded.
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(created.headers().firstValue("Location").orElseThrow().startsWith(PUBLIC_ISSUER + "/admin/users/"),
                    created.headers().firstValue("Location").orElseThrow());
        }
    }

    @Test
    void buildWhenProxyTrustedWithoutIssuerThenRefusedNamingIssuer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().trustedProxies("10.0.0.1").build());

        assertTrue(e.getMessage().startsWith("issuer: required when proxy.trusted is set"), e.getMessage());
    }

    @Test
    void buildWhenProxyAddressMalformedThenRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().issuer(PUBLIC_ISSUER).trustedProxies("10.0.0.0/99").build());

        assertTrue(e.getMessage().startsWith("proxy.trusted: "), e.getMessage());
    }

    private static HttpResponse<String> viaForwarded(TestServer server, String forwarded, String username, String password) {
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "password", "username", username, "password", password))),
                "Content-Type", TestServer.FORM, "Authorization", basic(LoginHttp.CLIENT, TestServer.SECRET), "Forwarded", forwarded);
    }

    /** A password grant through a proxy that set {@code X-Forwarded-For} while the client sent {@code Forwarded}. */
    private static HttpResponse<String> viaProxy(TestServer server, String xForwardedFor, String forwarded, String username,
                                                 String password) {
        return server.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "password", "username", username, "password", password))),
                "Content-Type", TestServer.FORM, "Authorization", basic(LoginHttp.CLIENT, TestServer.SECRET),
                "X-Forwarded-For", xForwardedFor, "Forwarded", forwarded);
    }

    private static JsonNode claims(String jwt) {
        return json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
