package dev.identityservice.server.endpoint;

import static dev.identityservice.server.testing.TestServer.PASSWORD;
import static dev.identityservice.server.testing.TestServer.SECRET;
import static dev.identityservice.server.testing.TestServer.basic;
import static dev.identityservice.server.testing.TestServer.form;
import static dev.identityservice.server.testing.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientAssertions;
import dev.identityservice.core.client.ClientCredentials;
import dev.identityservice.core.client.ClientKeys;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.key.MasterKey;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.testing.Browser;
import dev.identityservice.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one PostgreSQL schema (one master key, one issuer): a {@code private_key_jwt} client
 * assertion accepted by one is refused by the other (its {@code jti} is one-time across instances, RFC 7523 §3), and
 * a pushed request's login form served by one signs in at the other (the form's seal is keyed from the shared
 * master key). Skipped without {@code IDENTITY_TEST_POSTGRES_URL}.
 */
class ClientAuthenticationTwoInstancesPostgresTest {

    private static final String REDIRECT = "https://app.example.com/callback";
    private final String masterKey = MasterKey.generate().toBase64();
    private final List<TestServer> servers = new ArrayList<>();
    private String url;
    private String schema;
    private String schemaUrl;

    @BeforeEach
    void schema() throws SQLException {
        url = System.getenv("IDENTITY_TEST_POSTGRES_URL");
        assumeTrue(url != null && !url.isBlank(), "set IDENTITY_TEST_POSTGRES_URL to run the PostgreSQL test");
        schema = "pkj_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void drop() throws SQLException {
        servers.forEach(TestServer::close);
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void tokenWhenAssertionUsedAtOneInstanceThenRefusedAtTheOther() throws Exception {
        TestServer a = start(null);
        TestServer b = start(a.server.issuer().toString());
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Instant now = Instant.now();
        a.save(Client.builder(Tenant.DEFAULT_ID, "pkj").grantTypes(Set.of(GrantType.CLIENT_CREDENTIALS)).scopes(Set.of("api"))
                .keys(new ClientKeys(new JWKSet(key.toPublicJWK()), null))
                .tokenEndpointAuthMethod(ClientCredentials.Method.PRIVATE_KEY_JWT).createdAt(now).updatedAt(now));
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer("pkj").subject("pkj").audience(a.server.issuer().toString())
                        .expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString()).build());
        assertion.sign(new ECDSASigner(key));
        String body = form("grant_type", "client_credentials", "client_assertion_type", ClientAssertions.JWT_BEARER,
                "client_assertion", assertion.serialize());

        HttpResponse<String> first = a.post("/oauth2/token", body);
        HttpResponse<String> replayed = b.post("/oauth2/token", body);

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(401, replayed.statusCode(), "the other instance took a used jti: " + replayed.body());
        assertEquals("invalid_client", json(replayed.body()).get("error").asText());
    }

    @Test
    void loginWhenPushedRequestsFormFromOneInstanceIsPostedToTheOtherThenCode() {
        TestServer a = start(null);
        TestServer b = start(a.server.issuer().toString());
        a.save(a.confidential(Tenant.DEFAULT_ID, "par-only").requirePushedAuthorizationRequests(true));
        a.user("alice", "user");
        HttpResponse<String> pushed = a.post("/oauth2/par", form("response_type", "code", "client_id", "par-only",
                "redirect_uri", REDIRECT, "scope", "openid", "state", "s", "code_challenge", Pkce.challengeOf("v".repeat(43)),
                "code_challenge_method", "S256"), "Authorization", basic("par-only", SECRET));
        assertEquals(201, pushed.statusCode(), pushed.body());
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(a.uri("/oauth2/authorize?" + form("client_id", "par-only",
                "request_uri", json(pushed.body()).get("request_uri").asText())));
        Browser.LoginForm login = Browser.loginForm(page.body());

        HttpResponse<String> signedIn = browser.post(b.uri("/" + EndpointPaths.AUTHORIZE_LOGIN), login.withCredentials("alice", PASSWORD));

        assertEquals(302, signedIn.statusCode(), signedIn.body());
        assertTrue(signedIn.headers().firstValue("Location").orElse("").contains("code="), signedIn.headers().map().toString());
    }

    private TestServer start(String issuer) {
        TestServer server = TestServer.start(c -> {
            c.dbUrl(schemaUrl).dbUser(null).masterKey(masterKey);
            if (issuer != null) {
                c.issuer(issuer);
            }
        });
        servers.add(server);
        return server;
    }
}
