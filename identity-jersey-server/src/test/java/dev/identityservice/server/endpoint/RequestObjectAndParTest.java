package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request objects (RFC 9101, OIDC Core §6.1) and pushed authorization requests (RFC 9126) over real HTTP: real
 * keys and signatures, a real JWKS server for {@code jwks_uri}, a settable clock for expiry.
 */
class RequestObjectAndParTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private static final String VERIFIER = "v".repeat(43);
    private static final String CHALLENGE = Pkce.challengeOf(VERIFIER);

    private static MutableClock clock;
    private static TestServer server;
    private static HttpServer jwksServer;
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();
    private static final AtomicInteger ROTATING_FETCHES = new AtomicInteger();
    private static volatile byte[] rotatingJwks;
    private static RSAKey rsaKey;
    private static ECKey ecKey;

    @BeforeAll
    static void start() throws Exception {
        rsaKey = new RSAKeyGenerator(2048).keyID("rs1").generate();
        ecKey = new ECKeyGenerator(Curve.P_256).keyID("es1").generate();
        byte[] ecJwks = new JWKSet(ecKey.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks", exchange -> {
            JWKS_FETCHES.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ecJwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ecJwks);
            }
        });
        jwksServer.createContext("/rotating", exchange -> {
            ROTATING_FETCHES.incrementAndGet();
            byte[] body = rotatingJwks;
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwksServer.start();

        clock = MutableClock.startingNow();
        // The JWKS server listens on 127.0.0.1: private addresses allowed, as in development.
        server = TestServer.start(builder -> builder.outboundAllowPrivateAddresses(true), clock, UnaryOperator.identity());
        server.confidentialClient("web");
        server.confidentialClient("other");
        server.save(server.confidential(Tenant.DEFAULT_ID, "rs")
                .keys(new ClientKeys(new JWKSet(rsaKey.toPublicJWK()), null)).requestObjectSigningAlg("RS256"));
        server.save(server.confidential(Tenant.DEFAULT_ID, "es")
                .keys(new ClientKeys(null, URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks")))
                .requestObjectSigningAlg("ES256"));
        server.save(server.confidential(Tenant.DEFAULT_ID, "rotating")
                .keys(new ClientKeys(null, URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/rotating")))
                .requestObjectSigningAlg("ES256"));
        server.user("alice", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
        jwksServer.stop(0);
    }

    // ---- request objects ----

    @Test
    void authorizeWhenUnsignedRequestObjectThenItsParametersWinAndCodeRedeemsForTokens() {
        String request = new PlainJWT(objectClaims("web", "inner-state").build()).serialize();
        // The query's state and redirect_uri differ: RFC 9101 §5 says only the object's are used.
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(server.uri("/oauth2/authorize?" + form("client_id", "web", "response_type", "code",
                "scope", "openid", "state", "outer-state", "redirect_uri", "https://evil.example/cb", "request", request)));

        Map<String, String> query = signIn(browser, page);

        assertEquals("inner-state", query.get("state"));
        JsonNode tokens = redeem("web", query.get("code"));
        assertNotNull(tokens.get("access_token"));
        assertNotNull(tokens.get("id_token"));
    }

    @Test
    void authorizeWhenRs256SignedWithRegisteredJwksThenSignInSucceeds() throws Exception {
        String request = sign(objectClaims("rs", "rs-state").issuer("rs").audience(issuer()).build(), rsaKey);
        Browser browser = new Browser();

        Map<String, String> query = signIn(browser, browser.get(authorize("rs", request)));

        assertEquals("rs-state", query.get("state"));
        assertNotNull(redeem("rs", query.get("code")).get("access_token"));
    }

    @Test
    void authorizeWhenEs256SignedWithKeyAtJwksUriThenLoginPageAndJwksFetchedOnceForTwoRequests() throws Exception {
        int before = JWKS_FETCHES.get();
        for (int i = 0; i < 2; i++) {
            String request = sign(objectClaims("es", "es-" + i).issuer("es").audience(issuer()).build(), ecKey);
            HttpResponse<String> page = server.get("/oauth2/authorize?" + form("client_id", "es", "request", request));

            assertEquals(200, page.statusCode(), page.body());
            assertEquals("es-" + i, Browser.loginForm(page.body()).fields().get("state"));
        }
        assertTrue(JWKS_FETCHES.get() - before <= 1, "fetches: " + (JWKS_FETCHES.get() - before));
    }

    @Test
    void authorizeWhenClientRotatesKeyAtJwksUriThenOneRefetchFindsItAndAFloodOfUnknownKidsFetchesNothing() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        ECKey second = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        rotatingJwks = new JWKSet(first.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        String firstObject = sign(objectClaims("rotating", "r1").issuer("rotating").audience(issuer()).build(), first);
        assertEquals(200, server.get("/oauth2/authorize?" + form("client_id", "rotating", "request", firstObject)).statusCode());
        assertEquals(1, ROTATING_FETCHES.get());

        rotatingJwks = new JWKSet(second.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        clock.advance(Duration.ofSeconds(31));
        String secondObject = sign(objectClaims("rotating", "r2").issuer("rotating").audience(issuer()).build(), second);
        assertEquals(200, server.get("/oauth2/authorize?" + form("client_id", "rotating", "request", secondObject)).statusCode());
        assertEquals(2, ROTATING_FETCHES.get(), "the unknown kid k2 caused one fetch");

        for (int i = 0; i < 5; i++) {
            ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("random-" + i).generate();
            String forged = sign(objectClaims("rotating", "f" + i).issuer("rotating").audience(issuer()).build(), stranger);
            assertEquals("invalid_request_object", redirectQuery(server.get(authorizePath("rotating", forged))).get("error"));
        }
        assertEquals(2, ROTATING_FETCHES.get(), "unknown kids within the refetch interval fetch nothing");
    }

    @Test
    void authorizeWhenSignedByAnotherKeyWithTheSameKidThenInvalidRequestObjectWithState() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("rs1").generate();
        String request = sign(objectClaims("rs", "st-1").issuer("rs").audience(issuer()).build(), attacker);

        Map<String, String> query = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertEquals("st-1", query.get("state"));
    }

    @Test
    void authorizeWhenUnsignedButClientRegisteredRs256ThenInvalidRequestObject() {
        String request = new PlainJWT(objectClaims("rs", "st-2").build()).serialize();

        Map<String, String> query = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertEquals("st-2", query.get("state"));
    }

    @Test
    void authorizeWhenClientIdInObjectDiffersThenInvalidRequestObject() {
        String request = new PlainJWT(objectClaims("other", "st-3").build()).serialize();

        Map<String, String> query = redirectQuery(server.get(authorizePath("web", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertEquals("st-3", query.get("state"));
    }

    @Test
    void authorizeWhenRequestObjectExpiredThenInvalidRequestObject() throws Exception {
        Date past = Date.from(clock.instant().minus(Duration.ofMinutes(5)));
        String request = sign(objectClaims("rs", "st-4").issuer("rs").audience(issuer()).expirationTime(past).build(), rsaKey);

        Map<String, String> query = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertTrue(query.get("error_description").contains("expired"), query.get("error_description"));
    }

    @Test
    void authorizeWhenSignedRequestObjectSentTwiceThenSecondIsInvalidRequestObject() throws Exception {
        String request = sign(objectClaims("rs", "replay-1").issuer("rs").audience(issuer()).build(), rsaKey);
        Browser browser = new Browser();
        assertEquals("replay-1", signIn(browser, browser.get(authorize("rs", request))).get("state"));

        Map<String, String> replayed = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", replayed.get("error"));
        assertTrue(replayed.get("error_description").contains("used before"), replayed.get("error_description"));
    }

    @Test
    void authorizeWhenOtherObjectReusesAJtiThenInvalidRequestObject() throws Exception {
        String jti = "jti-" + java.util.UUID.randomUUID();
        String first = sign(objectClaims("rs", "jti-a").issuer("rs").audience(issuer()).jwtID(jti).build(), rsaKey);
        String second = sign(objectClaims("rs", "jti-b").issuer("rs").audience(issuer()).jwtID(jti).build(), rsaKey);
        assertEquals(200, server.get(authorizePath("rs", first)).statusCode());

        assertEquals("invalid_request_object", redirectQuery(server.get(authorizePath("rs", second))).get("error"));
    }

    @Test
    void authorizeWhenSignedRequestObjectHasNoExpNorJtiThenAcceptedOnceAsOidcCoreAllows() throws Exception {
        // OIDC Core §6.1 makes exp optional; the OIDF Dynamic plan's signed objects carry only iss and aud
        // (oidcc-request-uri-signed-rs256 failed with "must carry exp"). Still one-time: remembered for 60 minutes.
        String request = signAsIs(objectClaims("rs", "no-exp").issuer("rs").audience(issuer()).build(), rsaKey);
        Browser browser = new Browser();
        assertEquals("no-exp", signIn(browser, browser.get(authorize("rs", request))).get("state"));

        Map<String, String> replayed = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", replayed.get("error"));
        assertTrue(replayed.get("error_description").contains("used before"), replayed.get("error_description"));
    }

    @Test
    void authorizeWhenSignedRequestObjectWithoutExpIssuedOverAnHourAgoThenInvalidRequestObject() throws Exception {
        Date old = Date.from(clock.instant().minus(Duration.ofMinutes(62)));
        String request = signAsIs(objectClaims("rs", "old-iat").issuer("rs").audience(issuer()).issueTime(old).build(), rsaKey);

        Map<String, String> query = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertTrue(query.get("error_description").contains("iat"), query.get("error_description"));
    }

    @Test
    void authorizeWhenSignedRequestObjectExpiresTooFarAheadThenInvalidRequestObject() throws Exception {
        Date later = Date.from(clock.instant().plus(Duration.ofHours(3)));
        String request = sign(objectClaims("rs", "far-exp").issuer("rs").audience(issuer()).expirationTime(later).build(), rsaKey);

        Map<String, String> query = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertTrue(query.get("error_description").contains("at most 60 minutes"), query.get("error_description"));
    }

    @Test
    void authorizeWhenSignedRequestObjectIssuedByAnotherClientIdThenInvalidRequestObject() throws Exception {
        String request = sign(objectClaims("rs", "wrong-iss").issuer("es").audience(issuer()).build(), rsaKey);

        Map<String, String> query = redirectQuery(server.get(authorizePath("rs", request)));

        assertEquals("invalid_request_object", query.get("error"));
        assertTrue(query.get("error_description").contains("iss"), query.get("error_description"));
    }

    @Test
    void authorizeWhenSignedForAnotherAudienceThenInvalidRequestObject() throws Exception {
        String request = sign(objectClaims("rs", "st-5").issuer("rs").audience("https://other-server.example").build(), rsaKey);

        assertEquals("invalid_request_object", redirectQuery(server.get(authorizePath("rs", request))).get("error"));
    }

    @Test
    void authorizeWhenRequestObjectEncryptedThenInvalidRequestObject() throws JOSEException {
        EncryptedJWT jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                objectClaims("web", "st-6").build());
        jwe.encrypt(new RSAEncrypter(rsaKey.toPublicJWK()));

        // The state inside cannot be read; the query's goes back.
        Map<String, String> query = redirectQuery(server.get("/oauth2/authorize?" + form("client_id", "web", "response_type", "code",
                "state", "outer", "request", jwe.serialize())));

        assertEquals("invalid_request_object", query.get("error"));
        assertEquals("outer", query.get("state"));
    }

    @Test
    void authorizeWhenRequestUriIsAUrlTheClientDidNotRegisterThenInvalidRequestUri() {
        Map<String, String> query = redirectQuery(server.get("/oauth2/authorize?" + form("client_id", "web", "response_type", "code",
                "state", "s", "request_uri", "https://client.example/request.jwt")));

        assertEquals("invalid_request_uri", query.get("error"));
    }

    // ---- pushed authorization requests ----

    @Test
    void parWhenPushedThenCreatedAndAuthorizeWithRequestUriSignsIn() {
        HttpResponse<String> pushed = push("web", SECRET, "state", "par-state");

        assertEquals(201, pushed.statusCode(), pushed.body());
        assertEquals("no-store", pushed.headers().firstValue("Cache-Control").orElse(""));
        JsonNode body = TestServer.json(pushed.body());
        String requestUri = body.get("request_uri").asText();
        assertTrue(requestUri.startsWith("urn:ietf:params:oauth:request_uri:"), requestUri);
        assertEquals(90, body.get("expires_in").asInt());

        Browser browser = new Browser();
        Map<String, String> query = signIn(browser, browser.get(server.uri("/oauth2/authorize?"
                + form("client_id", "web", "request_uri", requestUri))));

        assertEquals("par-state", query.get("state"));
        assertNotNull(redeem("web", query.get("code")).get("id_token"));
    }

    @Test
    void parWhenRequestUriUsedTwiceThenSecondIsInvalidRequestUri() {
        String requestUri = requestUri(push("web", SECRET, "state", "once"));
        assertEquals(200, server.get("/oauth2/authorize?" + form("client_id", "web", "request_uri", requestUri)).statusCode());

        Map<String, String> query = redirectQuery(server.get("/oauth2/authorize?" + form("client_id", "web", "request_uri", requestUri)));

        assertEquals("invalid_request_uri", query.get("error"));
    }

    @Test
    void parWhenRequestUriExpiredThenInvalidRequestUri() {
        String requestUri = requestUri(push("web", SECRET, "state", "late"));
        clock.advance(Duration.ofSeconds(91));

        Map<String, String> query = redirectQuery(server.get("/oauth2/authorize?" + form("client_id", "web", "request_uri", requestUri)));

        assertEquals("invalid_request_uri", query.get("error"));
        assertTrue(query.get("error_description").contains("expired"), query.get("error_description"));
    }

    @Test
    void parWhenRequestUriOfAnotherClientThenRefusedAndStillUsableByItsOwn() {
        String requestUri = requestUri(push("web", SECRET, "state", "mine"));

        Map<String, String> query = redirectQuery(server.get("/oauth2/authorize?" + form("client_id", "other", "request_uri", requestUri)));

        assertEquals("invalid_request_uri", query.get("error"));
        assertEquals(200, server.get("/oauth2/authorize?" + form("client_id", "web", "request_uri", requestUri)).statusCode());
    }

    @Test
    void parWhenClientSecretWrongThenUnauthorizedInvalidClient() {
        HttpResponse<String> response = push("web", "wrong-secret-of-enough-length-000000000", "state", "s");

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("invalid_client", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void parWhenRedirectUriNotRegisteredThenBadRequestJsonNotRedirect() {
        HttpResponse<String> response = server.post("/oauth2/par", form("response_type", "code", "scope", "openid",
                "redirect_uri", "https://evil.example/cb"), "Authorization", basic("web", SECRET));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", TestServer.json(response.body()).get("error").asText());
        assertFalse(response.headers().firstValue("Location").isPresent());
    }

    @Test
    void parWhenRequestUriSentThenInvalidRequest() {
        HttpResponse<String> response = server.post("/oauth2/par", form("response_type", "code",
                "request_uri", "urn:ietf:params:oauth:request_uri:x"), "Authorization", basic("web", SECRET));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void parWhenSignedRequestObjectWithBadSignatureThenInvalidRequestObject() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("rs1").generate();
        String request = sign(objectClaims("rs", "s").issuer("rs").audience(issuer()).build(), attacker);

        HttpResponse<String> response = server.post("/oauth2/par", form("request", request), "Authorization", basic("rs", SECRET));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request_object", TestServer.json(response.body()).get("error").asText());
    }

    @Test
    void discoveryWhenReadThenAdvertisesRequestObjectsAndPar() {
        JsonNode doc = TestServer.json(server.get("/.well-known/openid-configuration").body());

        assertTrue(doc.get("request_parameter_supported").asBoolean());
        assertTrue(doc.get("request_uri_parameter_supported").asBoolean());
        assertEquals(issuer() + "/oauth2/par", doc.get("pushed_authorization_request_endpoint").asText());
        assertFalse(doc.get("require_pushed_authorization_requests").asBoolean());
        String algs = doc.get("request_object_signing_alg_values_supported").toString();
        for (String alg : new String[] {"none", "RS256", "ES256", "PS256", "EdDSA"}) {
            assertTrue(algs.contains("\"" + alg + "\""), algs);
        }
        assertFalse(algs.contains("HS256"), algs);
    }

    // ---- helpers ----

    private static String issuer() {
        return server.server.issuer().toString();
    }

    private static JWTClaimsSet.Builder objectClaims(String clientId, String state) {
        return new JWTClaimsSet.Builder().claim("client_id", clientId).claim("response_type", "code")
                .claim("redirect_uri", REDIRECT).claim("scope", "openid profile").claim("state", state)
                .claim("nonce", "n-" + state).claim("code_challenge", CHALLENGE).claim("code_challenge_method", "S256")
                .claim("max_age", 3600);
    }

    /** Signs {@code claims}, adding an {@code exp} 5 minutes ahead and a random {@code jti} where they are missing. */
    private static String sign(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        return signAsIs(withExpAndJti(claims), key);
    }

    private static String signAsIs(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String sign(JWTClaimsSet claims, ECKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), withExpAndJti(claims));
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static JWTClaimsSet withExpAndJti(JWTClaimsSet claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder(claims);
        if (claims.getExpirationTime() == null) {
            builder.expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))));
        }
        if (claims.getJWTID() == null) {
            builder.jwtID(java.util.UUID.randomUUID().toString());
        }
        return builder.build();
    }

    private static String authorizePath(String clientId, String request) {
        return "/oauth2/authorize?" + form("client_id", clientId, "response_type", "code", "scope", "openid", "request", request);
    }

    private static URI authorize(String clientId, String request) {
        return server.uri(authorizePath(clientId, request));
    }

    private static HttpResponse<String> push(String clientId, String secret, String... more) {
        String[] fields = new String[10 + more.length];
        System.arraycopy(new String[] {"response_type", "code", "scope", "openid", "redirect_uri", REDIRECT,
                "code_challenge", CHALLENGE, "code_challenge_method", "S256"}, 0, fields, 0, 10);
        System.arraycopy(more, 0, fields, 10, more.length);
        return server.post("/oauth2/par", form(fields), "Authorization", basic(clientId, secret));
    }

    private static String requestUri(HttpResponse<String> pushed) {
        assertEquals(201, pushed.statusCode(), pushed.body());
        return TestServer.json(pushed.body()).get("request_uri").asText();
    }

    /** Signs alice in on the login page {@code page} and returns the query of the redirect back to the client. */
    private static Map<String, String> signIn(Browser browser, HttpResponse<String> page) {
        assertEquals(200, page.statusCode(), page.body());
        Browser.LoginForm login = Browser.loginForm(page.body());
        Map<String, String> query = redirectQuery(browser.post(login.action(), login.withCredentials("alice", PASSWORD)));
        assertNotNull(query.get("code"), query.toString());
        return query;
    }

    private static JsonNode redeem(String clientId, String code) {
        HttpResponse<String> response = server.post("/oauth2/token", form("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT, "code_verifier", VERIFIER), "Authorization", basic(clientId, SECRET));
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response.body());
    }

    private static Map<String, String> redirectQuery(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
