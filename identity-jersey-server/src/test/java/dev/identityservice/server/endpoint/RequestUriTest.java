package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.RequestObjects;
import dev.identityservice.server.testing.TestServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request objects by reference (OIDC Core §6.2, RFC 9101 §5.2) over real HTTP: the server fetches them from a
 * real HTTP server on 127.0.0.1 (private addresses allowed, as in development) only at URLs the client
 * registered, verifies them as a {@code request} parameter with real RS256 signatures, and sends each failure to
 * the redirect URI. The refusals of the fetch itself (private address, 404, size, time, redirects) are
 * {@code RequestUriFetcherTest}'s.
 */
class RequestUriTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String VERIFIER = "v".repeat(43);
    private static final String CHALLENGE = Pkce.challengeOf(VERIFIER);

    private static MutableClock clock;
    private static TestServer server;
    private static HttpServer objects;
    private static String base;
    private static RSAKey key;
    private static final Map<String, String> SERVED = new ConcurrentHashMap<>();
    private static final AtomicInteger FETCHES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        objects = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        objects.createContext("/", exchange -> {
            FETCHES.incrementAndGet();
            String body = SERVED.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
                exchange.getResponseHeaders().add("Content-Type", "application/oauth-authz-req+jwt");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
            exchange.close();
        });
        objects.start();
        base = "http://127.0.0.1:" + objects.getAddress().getPort();

        clock = MutableClock.startingNow();
        server = TestServer.start(builder -> builder.outboundAllowPrivateAddresses(true), clock, UnaryOperator.identity());
        server.save(server.confidential(Tenant.DEFAULT_ID, "byref")
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null)).requestObjectSigningAlg("RS256")
                .requestUris(List.of(base + "/req/a#sha256-of-contents", base + "/req/b", base + "/req/missing")));
        server.save(server.confidential(Tenant.DEFAULT_ID, "pushes")
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null)).requestObjectSigningAlg("RS256")
                .requirePushedAuthorizationRequests(true).requestUris(List.of(base + "/req/p")));
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
        objects.stop(0);
    }

    @Test
    void authorizeWhenRequestUriRegisteredAndSignedObjectServedThenItsParametersWinAndCodeRedeems() throws Exception {
        SERVED.put("/req/a", sign(claims("byref", "by-reference")));
        Browser browser = new Browser();

        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("client_id", "byref",
                "response_type", "code", "scope", "openid", "state", "outer", "request_uri", base + "/req/a#sha256-of-contents")));

        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());
        Map<String, String> query = redirectQuery(browser.post(login.action(), login.withCredentials("alice", PASSWORD)));
        assertEquals("by-reference", query.get("state"));
        HttpResponse<String> tokens = server.post("/oauth2/token", form("grant_type", "authorization_code", "code",
                query.get("code"), "redirect_uri", REDIRECT, "code_verifier", VERIFIER), "Authorization", basic("byref", SECRET));
        assertEquals(200, tokens.statusCode(), tokens.body());
        JsonNode json = TestServer.json(tokens.body());
        assertNotNull(json.get("id_token"));
    }

    @Test
    void authorizeWhenSameSignedObjectFetchedTwiceThenSecondIsInvalidRequestObject() throws Exception {
        SERVED.put("/req/b", sign(claims("byref", "once")));
        assertEquals(200, server.get(authorize("byref", base + "/req/b", "outer")).statusCode());

        Map<String, String> second = redirectQuery(server.get(authorize("byref", base + "/req/b", "outer")));

        assertEquals("invalid_request_object", second.get("error"));
        assertEquals("once", second.get("state"));
    }

    @Test
    void authorizeWhenRequestUriNotRegisteredThenInvalidRequestUriOnTheRedirectWithoutAFetch() throws Exception {
        SERVED.put("/req/other", sign(claims("byref", "never")));
        int before = FETCHES.get();

        Map<String, String> query = redirectQuery(server.get(authorize("byref", base + "/req/other", "outer")));

        assertEquals("invalid_request_uri", query.get("error"));
        assertEquals("outer", query.get("state"));
        assertEquals(before, FETCHES.get());
    }

    @Test
    void authorizeWhenRegisteredUrlAnswers404ThenInvalidRequestUri() {
        Map<String, String> query = redirectQuery(server.get(authorize("byref", base + "/req/missing", "outer")));

        assertEquals("invalid_request_uri", query.get("error"));
        assertEquals("outer", query.get("state"));
    }

    @Test
    void authorizeWhenFetchedObjectSignedByAnotherKeyThenInvalidRequestObject() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        SERVED.put("/req/a", sign(claims("byref", "forged"), stranger));

        Map<String, String> query = redirectQuery(server.get(authorize("byref", base + "/req/a", "outer")));

        assertEquals("invalid_request_object", query.get("error"));
    }

    @Test
    void authorizeWhenClientMustPushThenARequestUriUrlIsRefusedWithoutAFetch() throws Exception {
        SERVED.put("/req/p", sign(claims("pushes", "pushed-only")));
        int before = FETCHES.get();

        Map<String, String> query = redirectQuery(server.get(authorize("pushes", base + "/req/p", "outer")));

        assertEquals("invalid_request", query.get("error"));
        assertEquals(before, FETCHES.get());
    }

    @Test
    void discoveryWhenReadThenRequestUriSupportedAndRegistrationRequired() {
        JsonNode doc = TestServer.json(server.get("/.well-known/openid-configuration").body());

        assertTrue(doc.get("request_uri_parameter_supported").asBoolean());
        assertTrue(doc.get("require_request_uri_registration").asBoolean());
    }

    private static String authorize(String clientId, String requestUri, String state) {
        return "/oauth2/authorize?" + form("client_id", clientId, "response_type", "code", "scope", "openid",
                "redirect_uri", REDIRECT, "state", state, "request_uri", requestUri);
    }

    private static JWTClaimsSet claims(String clientId, String state) {
        return new JWTClaimsSet.Builder().issuer(clientId).audience(server.server.issuer().toString())
                .claim("client_id", clientId).claim("response_type", "code").claim("redirect_uri", REDIRECT)
                .claim("scope", "openid").claim("state", state).claim("nonce", "n-" + state)
                .claim("code_challenge", CHALLENGE).claim("code_challenge_method", "S256")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))))
                .jwtID(UUID.randomUUID().toString()).build();
    }

    private static String sign(JWTClaimsSet claims) throws Exception {
        return sign(claims, key);
    }

    private static String sign(JWTClaimsSet claims, RSAKey with) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    private static Map<String, String> redirectQuery(HttpResponse<String> response) {
        return RequestObjects.redirectQuery(response, REDIRECT);
    }
}
