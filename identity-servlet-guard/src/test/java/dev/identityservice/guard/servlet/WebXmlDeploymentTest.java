package dev.identityservice.guard.servlet;

import static dev.identityservice.guard.testing.HttpCalls.challenge;
import static dev.identityservice.guard.testing.HttpCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter deployed from WEB-INF/web.xml in a Jetty WebAppContext, called over real HTTP. */
class WebXmlDeploymentTest {
    static final TestKey KEY = TestKey.rsa("web-1");
    static FakeIssuer issuer;
    static Server server;
    static String base;

    @BeforeAll
    static void deploy(@TempDir Path webapp) throws Exception {
        issuer = FakeIssuer.start(KEY);
        Path source = Path.of("src/test/resources/guard-webapp/WEB-INF/web.xml");
        Files.createDirectories(webapp.resolve("WEB-INF"));
        Files.writeString(webapp.resolve("WEB-INF/web.xml"),
                Files.readString(source, StandardCharsets.UTF_8).replace("@ISSUER@", issuer.url()));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext context = new WebAppContext();
        context.setContextPath("/app");
        context.setBaseResourceAsPath(webapp);
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/app";
    }

    @AfterAll
    static void undeploy() throws Exception {
        server.stop();
        issuer.close();
    }

    static String token(List<String> roles) {
        return TestTokens.accessToken(issuer.url(), "orders-api", KEY, Clock.systemUTC()).claim("roles", roles).sign();
    }

    @Test
    void getWhenNoTokenThen401WithBareChallenge() throws Exception {
        HttpResponse<String> response = get(base + "/api/orders");
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\"", challenge(response));
    }

    @Test
    void getWhenValidTokenThenServletSeesUserRolesAndAuthType() throws Exception {
        HttpResponse<String> response = get(base + "/api/orders", "Bearer " + token(List.of("user")));
        assertEquals(200, response.statusCode());
        assertEquals("user=alice;admin=false;authType=Bearer;token=true", response.body());
    }

    @Test
    void getWhenBadTokenThen401InvalidToken() throws Exception {
        String expired = TestTokens.accessToken(issuer.url(), "orders-api", KEY, Clock.systemUTC())
                .claim("exp", System.currentTimeMillis() / 1000 - 3600).sign();
        HttpResponse<String> response = get(base + "/api/orders", "Bearer " + expired);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\", error=\"invalid_token\", error_description=\"token expired\"",
                challenge(response));
    }

    @Test
    void getWhenRoleMissingThen403InsufficientScope() throws Exception {
        HttpResponse<String> response = get(base + "/admin/keys", "Bearer " + token(List.of("user")));
        assertEquals(403, response.statusCode());
        assertTrue(challenge(response).contains("error=\"insufficient_scope\""), challenge(response));
        assertTrue(challenge(response).contains("scope=\"admin\""), challenge(response));
    }

    @Test
    void getWhenRolePresentThenAdminPathServed() throws Exception {
        HttpResponse<String> response = get(base + "/admin/keys", "Bearer " + token(List.of("admin")));
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("admin=true"));
    }

    @Test
    void getWhenServletChecksIsUserInRoleThenItsOwnDecisionHolds() throws Exception {
        assertEquals(403, get(base + "/api/reports", "Bearer " + token(List.of("user"))).statusCode());
        assertEquals(200, get(base + "/api/reports", "Bearer " + token(List.of("analyst"))).statusCode());
    }

    @Test
    void getWhenPublicPathThenNoTokenNeeded() throws Exception {
        HttpResponse<String> response = get(base + "/health");
        assertEquals(200, response.statusCode());
        assertNull(challenge(response));
    }

    @Test
    void getWhenTokenInQueryStringThen400() throws Exception {
        HttpResponse<String> response = get(base + "/api/orders?access_token=" + token(List.of("user")));
        assertEquals(400, response.statusCode());
        assertTrue(challenge(response).contains("error=\"invalid_request\""));
    }

    @Test
    void getWhenTwoAuthorizationHeadersThen400() throws Exception {
        String token = token(List.of("user"));
        assertEquals(400, get(base + "/api/orders", "Bearer " + token, "Bearer " + token).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer   "})
    void getWhenSchemeInAnyCaseOrExtraSpacesThenAccepted(String prefix) throws Exception {
        assertEquals(200, get(base + "/api/orders", prefix + token(List.of("user"))).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer a b", "Bearer a,b", "Bearer \"token\""})
    void getWhenHeaderMalformedThen400(String header) throws Exception {
        HttpResponse<String> response = get(base + "/api/orders", header);
        assertEquals(400, response.statusCode(), header);
        assertTrue(challenge(response).contains("error=\"invalid_request\""));
    }

    @Test
    void getWhenOtherSchemeThen401WithBareChallenge() throws Exception {
        HttpResponse<String> response = get(base + "/api/orders", "Basic YWxpY2U6c2VjcmV0");
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\"", challenge(response));
    }
}
