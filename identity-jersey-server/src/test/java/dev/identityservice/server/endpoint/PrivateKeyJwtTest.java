package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2, OIDC Core §9) at the token endpoint over real HTTP:
 * a client assertion signed with the client's registered key authenticates it once; a replayed, expired,
 * mis-addressed, foreign-signed or HMAC assertion, and a secret for such a client, are {@code invalid_client}.
 */
class PrivateKeyJwtTest {

    private static TestServer server;
    private static ECKey key;
    private static ECKey stranger;

    @BeforeAll
    static void start() throws JOSEException {
        key = new ECKeyGenerator(Curve.P_256).keyID("pkj-1").generate();
        stranger = new ECKeyGenerator(Curve.P_256).keyID("pkj-1").generate();
        server = TestServer.start(b -> b.registrationMode("open"));
        Instant now = Instant.now();
        server.save(dev.identityservice.core.client.Client.builder(Tenant.DEFAULT_ID, "pkj")
                .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS)).scopes(Set.of("api"))
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
        server.save(dev.identityservice.core.client.Client.builder(Tenant.DEFAULT_ID, "pkj-par")
                .grantTypes(Set.of(GrantType.AUTHORIZATION_CODE)).scopes(Set.of("openid"))
                .redirectUri("https://app.example.com/callback")
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tokenWhenAssertionSignedWithRegisteredKeyThenIssuedOnceAndReplayRefused() throws Exception {
        String assertion = assertion("pkj", tokenEndpoint(), Duration.ofMinutes(2), key);

        HttpResponse<String> first = token(assertion);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(json(first.body()).has("access_token"));

        HttpResponse<String> replayed = token(assertion);
        assertEquals(401, replayed.statusCode(), replayed.body());
        assertEquals("invalid_client", json(replayed.body()).get("error").asText());
    }

    @Test
    void tokenWhenAudienceIsTheIssuerThenAccepted() throws Exception {
        assertEquals(200, token(assertion("pkj", server.server.issuer().toString(), Duration.ofMinutes(2), key)).statusCode());
    }

    @Test
    void parWhenAssertionAudienceIsTheParEndpointThenPushAccepted() throws Exception {
        // RFC 9126 §2: the PAR endpoint's URL MUST be accepted as an audience of the client's assertion.
        String parEndpoint = EndpointPaths.url(server.server.issuer(), EndpointPaths.PAR);
        HttpResponse<String> pushed = server.post("/oauth2/par", form("response_type", "code", "scope", "openid",
                "redirect_uri", "https://app.example.com/callback", "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method", "S256", "client_assertion_type", ClientAssertions.JWT_BEARER,
                "client_assertion", assertion("pkj-par", parEndpoint, Duration.ofMinutes(2), key)));
        assertEquals(201, pushed.statusCode(), pushed.body());
        assertTrue(json(pushed.body()).get("request_uri").asText().startsWith("urn:ietf:params:oauth:request_uri:"));

        // The same audience at the token endpoint: one rule for every endpoint that authenticates clients.
        assertEquals(200, token(assertion("pkj", parEndpoint, Duration.ofMinutes(2), key)).statusCode());
    }

    @Test
    void tokenWhenAssertionIsWrongInAnyWayThenInvalidClient() throws Exception {
        for (String bad : List.of(
                assertion("pkj", "https://other-server.example/token", Duration.ofMinutes(2), key),
                assertion("pkj", tokenEndpoint(), Duration.ofSeconds(-120), key),
                assertion("pkj", tokenEndpoint(), Duration.ofHours(3), key),
                assertion("pkj", tokenEndpoint(), Duration.ofMinutes(2), stranger),
                hmac())) {
            HttpResponse<String> response = token(bad);
            assertEquals(401, response.statusCode(), response.body());
            assertEquals("invalid_client", json(response.body()).get("error").asText());
        }
        HttpResponse<String> withSecret = server.post("/oauth2/token", form("grant_type", "client_credentials"),
                "Authorization", basic("pkj", SECRET));
        assertEquals(401, withSecret.statusCode(), "a private_key_jwt client has no secret");
        HttpResponse<String> idOnly = server.post("/oauth2/token", form("grant_type", "client_credentials", "client_id", "pkj"));
        assertEquals(401, idOnly.statusCode(), "nor is it a public client");
    }

    @Test
    void tokenWhenAssertionAndBasicTogetherThenInvalidRequest() throws Exception {
        HttpResponse<String> both = server.post("/oauth2/token", form("grant_type", "client_credentials",
                "client_assertion_type", ClientAssertions.JWT_BEARER, "client_assertion",
                assertion("pkj", tokenEndpoint(), Duration.ofMinutes(2), key)), "Authorization", basic("pkj", SECRET));
        assertEquals(400, both.statusCode(), both.body());
        assertEquals("invalid_request", json(both.body()).get("error").asText());
    }

    @Test
    void discoveryWhenReadThenAdvertisesPrivateKeyJwtAndItsAlgorithms() {
        JsonNode discovery = json(server.get("/.well-known/openid-configuration").body());
        assertTrue(discovery.get("token_endpoint_auth_methods_supported").toString().contains("private_key_jwt"));
        String algs = discovery.get("token_endpoint_auth_signing_alg_values_supported").toString();
        assertTrue(algs.contains("ES256") && algs.contains("RS256") && !algs.contains("HS256") && !algs.contains("none"), algs);
    }

    @Test
    void registerWhenPrivateKeyJwtWithJwksThenNoSecretAndAssertionAuthenticates() throws Exception {
        ECKey own = new ECKeyGenerator(Curve.P_256).keyID("reg-1").generate();
        HttpResponse<String> registered = server.post("/oauth2/register", """
                {"grant_types":["client_credentials"],"token_endpoint_auth_method":"private_key_jwt","jwks":%s}"""
                .formatted(new JWKSet(own.toPublicJWK()).toString(true)), "Content-Type", "application/json");
        assertEquals(201, registered.statusCode(), registered.body());
        JsonNode body = json(registered.body());
        assertNull(body.get("client_secret"), "no secret for a private_key_jwt client");
        assertEquals("private_key_jwt", body.get("token_endpoint_auth_method").asText());

        String clientId = body.get("client_id").asText();
        assertEquals(200, token(assertion(clientId, tokenEndpoint(), Duration.ofMinutes(2), own)).statusCode());

        HttpResponse<String> keyless = server.post("/oauth2/register",
                "{\"grant_types\":[\"client_credentials\"],\"token_endpoint_auth_method\":\"private_key_jwt\"}",
                "Content-Type", "application/json");
        assertEquals(400, keyless.statusCode(), keyless.body());
        assertFalse(keyless.body().contains("client_secret"));
    }

    // ---- helpers

    private static String tokenEndpoint() {
        return EndpointPaths.url(server.server.issuer(), EndpointPaths.TOKEN);
    }

    private static HttpResponse<String> token(String assertion) {
        return server.post("/oauth2/token", form("grant_type", "client_credentials", "client_assertion_type",
                ClientAssertions.JWT_BEARER, "client_assertion", assertion));
    }

    private static String assertion(String clientId, String audience, Duration expiresIn, ECKey signer) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plus(expiresIn))).jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(signer));
        return jwt.serialize();
    }

    /** An HS256 assertion keyed with bytes an attacker knows: never accepted. */
    private static String hmac() throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("pkj").subject("pkj")
                .audience(tokenEndpoint()).expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new MACSigner(new byte[32]));
        return jwt.serialize();
    }
}
