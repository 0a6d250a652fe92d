package dev.identityservice.server.endpoint;

import static dev.identityservice.server.endpoint.TokenEndpointTest.assertError;
import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Discovery (OIDC Discovery §4, RFC 8414), the JWKS and per-tenant routing. */
class DiscoveryAndTenantsTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.tenant("acme");
        server.save(server.confidential("acme", "acme-app"));
        server.userIn("acme", "bob", "user");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void discoveryWhenDefaultTenantThenIssuerAndEndpointsUnderIt() {
        HttpResponse<String> response = server.get("/.well-known/openid-configuration");

        assertEquals(200, response.statusCode());
        JsonNode metadata = json(response.body());
        String issuer = server.server.issuer().toString();
        assertEquals(issuer, metadata.get("issuer").asText());
        assertEquals(issuer + "/oauth2/token", metadata.get("token_endpoint").asText());
        assertEquals(issuer + "/oauth2/jwks", metadata.get("jwks_uri").asText());
        assertEquals("RS256", metadata.get("id_token_signing_alg_values_supported").get(0).asText());
        assertTrue(metadata.get("id_token_signing_alg_values_supported").toString().contains("ES256"));
        assertEquals("[\"S256\"]", metadata.get("code_challenge_methods_supported").toString());
        assertTrue(response.headers().firstValue("Cache-Control").orElse("").contains("max-age=300"));
    }

    @Test
    void authorizationServerMetadataWhenRequestedThenSameDocument() {
        assertEquals(server.get("/.well-known/openid-configuration").body(),
                server.get("/.well-known/oauth-authorization-server").body());
    }

    @Test
    void jwksWhenFetchedThenCacheableWithEtagAnd304OnMatch() {
        HttpResponse<String> first = server.get("/oauth2/jwks");
        String etag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> conditional = server.get("/oauth2/jwks", "If-None-Match", etag);

        assertEquals(200, first.statusCode());
        assertTrue(first.headers().firstValue("Cache-Control").orElse("").contains("max-age=300"));
        long published = server.server.engine().keys().keyRing("default").keys().stream().filter(k -> k.state().published()).count();
        assertTrue(published >= 4, "ACTIVE and NEXT of the ES256 chain and of the RS256 ID-token chain");
        assertEquals(published, json(first.body()).get("keys").size(), "every published key, no other");
        assertEquals(304, conditional.statusCode());
    }

    @Test
    void jwksWhenKeysRotateAndRevokeThenNewBytesWithoutTheRevokedKey() {
        String before = server.get("/oauth2/jwks").body();
        String revokedKid = server.server.engine().keys().keyRing("default").active().kid();

        server.server.engine().keys().rotateAndRevoke("default");
        HttpResponse<String> after = server.get("/oauth2/jwks");

        assertNotEquals(before, after.body());
        assertTrue(!after.body().contains(revokedKid));
    }

    @Test
    void tenantWhenServedUnderPrefixThenOwnIssuerAndTokens() throws Exception {
        JsonNode metadata = json(server.get("/t/acme/.well-known/openid-configuration").body());
        HttpResponse<String> token = server.post("/t/acme/oauth2/token",
                form("grant_type", "password", "username", "bob", "password", PASSWORD, "scope", "openid"),
                "Authorization", basic("acme-app", SECRET));

        String issuer = server.server.issuer() + "/t/acme";
        assertEquals(issuer, metadata.get("issuer").asText());
        assertEquals(issuer + "/oauth2/token", metadata.get("token_endpoint").asText());
        assertEquals(200, token.statusCode(), token.body());
        assertEquals(issuer, SignedJWT.parse(json(token.body()).get("access_token").asText()).getJWTClaimsSet().getIssuer());
    }

    @Test
    void tenantWhenTokenOfOneTenantPresentedToAnotherThenRejected() {
        String acmeToken = json(server.post("/t/acme/oauth2/token",
                form("grant_type", "password", "username", "bob", "password", PASSWORD, "scope", "openid"),
                "Authorization", basic("acme-app", SECRET)).body()).get("access_token").asText();

        assertEquals(401, server.get("/oauth2/userinfo", "Authorization", "Bearer " + acmeToken).statusCode());
        assertEquals(200, server.get("/t/acme/oauth2/userinfo", "Authorization", "Bearer " + acmeToken).statusCode());
    }

    @Test
    void tenantWhenClientOfAnotherTenantThenInvalidClient() {
        assertError(server.post("/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("acme-app", SECRET)),
                401, "invalid_client");
    }

    @Test
    void tenantWhenUnknownThen404Json() {
        assertError(server.get("/t/nope/.well-known/openid-configuration"), 404, "not_found");
        assertError(server.post("/t/NOT..valid/oauth2/token", form("grant_type", "client_credentials")), 404, "not_found");
    }

    @Test
    void pathWhenUnknownThen404Json() {
        assertError(server.get("/no/such/thing"), 404, "not_found");
    }

    @Test
    void healthWhenDatabaseUpThenReady() {
        HttpResponse<String> response = server.get("/health");

        assertEquals(200, response.statusCode());
        assertTrue(json(response.body()).get("ready").asBoolean());
    }

    @Test
    void metricsWhenTokensIssuedThenCountedByGrantAndEndpoint() {
        server.post("/t/acme/oauth2/token", form("grant_type", "client_credentials"), "Authorization", basic("acme-app", SECRET));

        String metrics = server.metrics();

        assertTrue(metrics.contains("identity_tokens_issued_total{grant_type=\"client_credentials\"}"), metrics);
        assertTrue(metrics.contains("endpoint=\"TokenEndpoint\""), metrics);
        assertTrue(metrics.contains("identity_key_rotations_total"), metrics);
    }
}
