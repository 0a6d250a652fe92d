package dev.identityservice.server.breaker;

import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
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
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.testing.TestServer;
import java.net.URI;
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
 * Breaker: the audiences a private_key_jwt client assertion may name (RFC 7523 §3 item 3, RFC 9126 §2) at the
 * token, PAR, introspection and revocation endpoints, over real HTTP with real ES256 assertions: the PAR URL is
 * accepted, but no other URL of this server, no spelling variant of it, and no other tenant's.
 */
class BreakerAssertionAudienceTest {

    private static TestServer server;
    private static ECKey key;
    private static URI issuer;

    @BeforeAll
    static void start() throws JOSEException {
        key = new ECKeyGenerator(Curve.P_256).keyID("brk-1").generate();
        server = TestServer.start();
        issuer = server.server.issuer();
        Instant now = Instant.now();
        server.save(dev.identityservice.core.client.Client.builder(Tenant.DEFAULT_ID, "brk")
                .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS, GrantType.AUTHORIZATION_CODE))
                .scopes(Set.of("api", "openid")).redirectUri("https://app.example.com/callback")
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
        server.tenant("acme");
        server.save(dev.identityservice.core.client.Client.builder("acme", "brk")
                .grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS)).scopes(Set.of("api"))
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String url(String path) {
        return EndpointPaths.url(issuer, path);
    }

    private static String acmeUrl(String path) {
        return EndpointPaths.url(URI.create(issuer + "/t/acme"), path);
    }

    @Test
    void parUrlAcceptedAtTokenIntrospectionAndRevocation() throws Exception {
        assertEquals(200, token("/oauth2/token", assertion("brk", url(EndpointPaths.PAR))).statusCode());
        HttpResponse<String> revoke = server.post("/oauth2/revoke", form("token", "whatever", "client_assertion_type",
                ClientAssertions.JWT_BEARER, "client_assertion", assertion("brk", url(EndpointPaths.PAR))));
        assertEquals(200, revoke.statusCode(), revoke.body());
        // control: the tenant's own PAR URL for the tenant's client
        assertEquals(200, token("/t/acme/oauth2/token", assertion("brk", acmeUrl(EndpointPaths.PAR))).statusCode());
    }

    @Test
    void otherUrlsOfThisServerAndSpellingsOfTheParUrlRefused() throws Exception {
        String par = url(EndpointPaths.PAR);
        List<String> refused = List.of(
                url(EndpointPaths.AUTHORIZE), url(EndpointPaths.USERINFO), url(EndpointPaths.JWKS),
                url(EndpointPaths.INTROSPECT), url(EndpointPaths.REVOKE), url(EndpointPaths.REGISTER),
                url(EndpointPaths.LOGOUT), url(EndpointPaths.OPENID_CONFIGURATION),
                par + "/", par.toUpperCase(java.util.Locale.ROOT), par.replace("/oauth2/par", "/OAUTH2/PAR"),
                par + "?x=1", par + "#", par + "#x", par + " ", " " + par, par.replace("http://", "https://"),
                par.replace("127.0.0.1", "localhost"), par.replace("/oauth2/par", "/oauth2//par"),
                par.replace("/oauth2/par", "/oauth2/./par"), par.replace("/oauth2/par", "/oauth2/%70ar"),
                acmeUrl(EndpointPaths.PAR), acmeUrl(EndpointPaths.TOKEN), issuer + "/t/acme", issuer + "/",
                "", "https://other.example/oauth2/par");
        for (String aud : refused) {
            HttpResponse<String> response = token("/oauth2/token", assertion("brk", aud));
            assertEquals(401, response.statusCode(), "aud " + aud + ": " + response.body());
            assertEquals("invalid_client", json(response.body()).get("error").asText());
        }
        // The default tenant's PAR URL at the acme tenant
        for (String aud : List.of(par, url(EndpointPaths.TOKEN), issuer.toString())) {
            HttpResponse<String> cross = token("/t/acme/oauth2/token", assertion("brk", aud));
            assertEquals(401, cross.statusCode(), "cross-tenant aud " + aud + ": " + cross.body());
        }
    }

    @Test
    void parEndpointRefusesForeignAudiences() throws Exception {
        for (String aud : List.of(url(EndpointPaths.AUTHORIZE), url(EndpointPaths.PAR) + "/", acmeUrl(EndpointPaths.PAR))) {
            HttpResponse<String> pushed = server.post("/oauth2/par", form("response_type", "code", "scope", "openid",
                    "redirect_uri", "https://app.example.com/callback",
                    "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256",
                    "client_assertion_type", ClientAssertions.JWT_BEARER, "client_assertion", assertion("brk", aud)));
            assertEquals(401, pushed.statusCode(), "aud " + aud + ": " + pushed.body());
        }
    }

    @Test
    void arrayAudienceContainingTheParUrlPlusJunkFollowsRfc7523() throws Exception {
        // RFC 7523 §3: aud "containing a value that identifies the authorization server": extra values allowed.
        HttpResponse<String> mixed = token("/oauth2/token",
                assertion("brk", List.of("https://junk.example", url(EndpointPaths.PAR))));
        assertEquals(200, mixed.statusCode(), mixed.body());
        HttpResponse<String> junkOnly = token("/oauth2/token",
                assertion("brk", List.of("https://junk.example", url(EndpointPaths.AUTHORIZE))));
        assertEquals(401, junkOnly.statusCode(), junkOnly.body());
        HttpResponse<String> emptyArray = token("/oauth2/token", assertion("brk", List.of()));
        assertEquals(401, emptyArray.statusCode(), emptyArray.body());
    }

    @Test
    void assertionWithParAudienceIsSingleUseAcrossEndpoints() throws Exception {
        String one = assertion("brk", url(EndpointPaths.PAR));
        assertEquals(200, token("/oauth2/token", one).statusCode());
        HttpResponse<String> again = server.post("/oauth2/revoke", form("token", "x", "client_assertion_type",
                ClientAssertions.JWT_BEARER, "client_assertion", one));
        assertEquals(401, again.statusCode(), "replayed at another endpoint: " + again.body());
        HttpResponse<String> pushed = server.post("/oauth2/par", form("response_type", "code", "scope", "openid",
                "redirect_uri", "https://app.example.com/callback",
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256",
                "client_assertion_type", ClientAssertions.JWT_BEARER, "client_assertion", one));
        assertEquals(401, pushed.statusCode(), "replayed at PAR: " + pushed.body());
    }

    private static HttpResponse<String> token(String path, String assertion) {
        return server.post(path, form("grant_type", "client_credentials", "client_assertion_type",
                ClientAssertions.JWT_BEARER, "client_assertion", assertion));
    }

    private static String assertion(String clientId, Object audience) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(2))))
                .jwtID(UUID.randomUUID().toString());
        if (audience instanceof String one) {
            claims.audience(one);
        } else {
            @SuppressWarnings("unchecked")
            List<String> many = (List<String>) audience;
            claims.audience(many);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                claims.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
