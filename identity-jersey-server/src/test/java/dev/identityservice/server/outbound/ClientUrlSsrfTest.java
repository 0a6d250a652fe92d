package dev.identityservice.server.outbound;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.CodeFlowSignIn;
import dev.identityservice.server.testing.LogoutReceiver;
import dev.identityservice.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server-side request forgery through URLs clients register: with the default
 * {@code outbound.allow.private.addresses=false}, a back-channel logout URI or a {@code jwks_uri} that leads to
 * this machine is never connected to, whether it was stored before the registration rules (a client row written
 * directly) or names a host that resolves to loopback; and registration refuses such URLs up front. Real server,
 * real HTTP, real listeners on 127.0.0.1 counting every connection they accept.
 */
class ClientUrlSsrfTest {

    private static final String REDIRECT = "https://app.example.com/callback";

    private static TestServer server;
    private static LogoutReceiver receiver;
    private static ServerSocket tcp;
    private static final AtomicInteger TCP_CONNECTIONS = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(b -> b.registrationMode("open").backChannelLogoutRetryDelay(Duration.ofMillis(100)));
        receiver = new LogoutReceiver();
        // A bare TCP listener: counts connections, so https URLs (which would fail TLS here) prove no connection was made.
        tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(() -> {
            while (!tcp.isClosed()) {
                try (Socket accepted = tcp.accept()) {
                    TCP_CONNECTIONS.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "ssrf-tcp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        receiver.close();
        tcp.close();
    }

    @Test
    void backchannelLogoutWhenUriIsLoopbackThenNeverPostedAndAbandoned() throws Exception {
        String http = receiver.uri("/rp/loopback");
        String https = "https://localhost:" + tcp.getLocalPort() + "/rp";
        String mapped = "https://[::ffff:127.0.0.1]:" + tcp.getLocalPort() + "/rp";
        saveClient("ssrf-http", http);
        saveClient("ssrf-name", https);
        saveClient("ssrf-mapped", mapped);
        double abandonedBefore = counter("abandoned");
        int connectionsBefore = TCP_CONNECTIONS.get();

        User user = server.user("u-" + UUID.randomUUID());
        Browser browser = new Browser();
        signIn(browser, "ssrf-http", user, true);
        signIn(browser, "ssrf-name", user, false);
        String idToken = signIn(browser, "ssrf-mapped", user, false);
        HttpResponse<String> logout = browser.post(server.uri("/oauth2/logout"), form("id_token_hint", idToken));
        assertEquals(200, logout.statusCode(), logout.body());

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (counter("abandoned") < abandonedBefore + 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(abandonedBefore + 3, counter("abandoned"), "each refused at once, not retried");
        assertTrue(receiver.deliveries().isEmpty(), "nothing POSTed to 127.0.0.1: " + receiver.deliveries());
        assertEquals(connectionsBefore, TCP_CONNECTIONS.get(), "no connection to a name or IPv4-mapped form of loopback");
    }

    @Test
    void signedRequestObjectWhenJwksUriIsLoopbackThenRefusedWithoutFetching() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        int before = TCP_CONNECTIONS.get();
        server.save(server.confidential(Tenant.DEFAULT_ID, "ssrf-jwks").redirectUri(REDIRECT)
                .keys(new ClientKeys(null, URI.create("https://127.0.0.1:" + tcp.getLocalPort() + "/jwks"))));
        Instant now = Instant.now();
        SignedJWT object = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer("ssrf-jwks").audience(server.server.issuer().toString()).expirationTime(Date.from(now.plusSeconds(60)))
                .issueTime(Date.from(now)).jwtID(UUID.randomUUID().toString())
                .claim("client_id", "ssrf-jwks").claim("response_type", "code").claim("redirect_uri", REDIRECT)
                .claim("scope", "openid").claim("state", "s").build());
        object.sign(new ECDSASigner(key));

        HttpResponse<String> response = new Browser().get(server.uri("/oauth2/authorize?" + form("client_id", "ssrf-jwks",
                "response_type", "code", "request", object.serialize())));

        String location = response.headers().firstValue("Location").orElse("");
        assertFalse(location.contains("code="), location);
        assertTrue(location.contains("invalid_request_object") || response.body().contains("invalid_request_object"),
                response.statusCode() + " " + location + " " + response.body());
        assertEquals(before, TCP_CONNECTIONS.get(), "the jwks_uri on 127.0.0.1 was never connected to");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:5432/", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.7/logout",
            "https://[fd12::1]/logout", "https://localhost/logout", "https://rp.localhost/logout", "https://0.0.0.0/",
            "https://[::ffff:169.254.169.254]/", "https://rp.example.com/logout#frag", "https://user@rp.example.com/logout"})
    void registerWhenBackchannelLogoutUriIsNonPublicThenInvalidClientMetadata(String uri) {
        HttpResponse<String> response = server.post("/oauth2/register", """
                {"redirect_uris":["%s"],"backchannel_logout_uri":"%s"}""".formatted(REDIRECT, uri), "Content-Type", "application/json");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_client_metadata", json(response.body()).get("error").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/jwks", "https://169.254.169.254/jwks", "https://192.168.1.1/jwks"})
    void registerWhenJwksUriIsNonPublicThenInvalidClientMetadata(String uri) {
        HttpResponse<String> response = server.post("/oauth2/register", """
                {"redirect_uris":["%s"],"jwks_uri":"%s"}""".formatted(REDIRECT, uri), "Content-Type", "application/json");
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_client_metadata", json(response.body()).get("error").asText());
    }

    private static void saveClient(String clientId, String backchannelLogoutUri) {
        // Written to the store directly: a row stored before the rules, or whose host's address changed since.
        server.save(server.confidential(Tenant.DEFAULT_ID, clientId).redirectUri(REDIRECT).backchannelLogoutUri(backchannelLogoutUri));
    }

    private static String signIn(Browser browser, String clientId, User user, boolean login) {
        return json(CodeFlowSignIn.tokens(server, browser, clientId, SECRET, REDIRECT, user, login).body()).get("id_token").asText();
    }

    private static double counter(String outcome) {
        var counter = server.server.metrics().registry().find("identity.backchannel.logouts").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
