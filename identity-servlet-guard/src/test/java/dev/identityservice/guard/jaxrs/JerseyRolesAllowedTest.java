package dev.identityservice.guard.jaxrs;

import static dev.identityservice.guard.testing.HttpCalls.challenge;
import static dev.identityservice.guard.testing.HttpCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Jersey application with one {@link GuardFeature}, served by Jetty over real HTTP. */
class JerseyRolesAllowedTest {
    static final TestKey KEY = TestKey.ec("jersey-1");
    static FakeIssuer issuer;
    static Server server;
    static String base;

    @Path("/orders")
    public static class OrdersResource {
        @GET
        @Path("mine")
        @RolesAllowed({"user", "admin"})
        public String mine(@Context SecurityContext security) {
            VerifiedToken token = (VerifiedToken) security.getUserPrincipal();
            return security.getUserPrincipal().getName() + " via " + token.clientId() + " scheme "
                    + security.getAuthenticationScheme() + " scopes " + token.scopes();
        }

        @GET
        @Path("all")
        @RolesAllowed("admin")
        public String all() {
            return "all orders";
        }

        @GET
        @Path("public")
        @PermitAll
        public String open(@Context SecurityContext security) {
            return "public for " + (security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName());
        }

        @GET
        @Path("never")
        @DenyAll
        public String never() {
            return "never";
        }

        @GET
        @Path("unannotated")
        public String unannotated() {
            return "unannotated";
        }
    }

    @Path("/reports")
    @RolesAllowed("analyst")
    public static class ReportsResource {
        @GET
        public String reports() {
            return "reports";
        }

        @GET
        @Path("summary")
        @PermitAll
        public String summary() {
            return "summary";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        issuer = FakeIssuer.start(KEY);
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience("orders-api").realm("orders").build();
        ResourceConfig application = new ResourceConfig(OrdersResource.class, ReportsResource.class)
                .register(new GuardFeature(config));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ServletContainer(application)), "/api/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/api";
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        issuer.close();
    }

    static String bearer(String... roles) {
        return "Bearer " + TestTokens.accessToken(issuer.url(), "orders-api", KEY, Clock.systemUTC())
                .claim("roles", List.of(roles)).sign();
    }

    @Test
    void rolesAllowedWhenNobodyAuthenticatedThen401NotLikeJersey403() throws Exception {
        HttpResponse<String> response = get(base + "/orders/mine");
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\"", challenge(response));
    }

    @Test
    void rolesAllowedWhenRolePresentThenSecurityContextCarriesTheToken() throws Exception {
        HttpResponse<String> response = get(base + "/orders/mine", bearer("user"));
        assertEquals(200, response.statusCode());
        assertEquals("alice via web-app scheme Bearer scopes [orders:read]", response.body());
    }

    @Test
    void rolesAllowedWhenRoleMissingThen403InsufficientScope() throws Exception {
        HttpResponse<String> response = get(base + "/orders/all", bearer("user"));
        assertEquals(403, response.statusCode());
        assertEquals("Bearer realm=\"orders\", error=\"insufficient_scope\", "
                + "error_description=\"the token lacks a required role\", scope=\"admin\"", challenge(response));
        assertEquals(200, get(base + "/orders/all", bearer("admin")).statusCode());
    }

    @Test
    void permitAllWhenNoTokenThenServedAnonymously() throws Exception {
        HttpResponse<String> response = get(base + "/orders/public");
        assertEquals(200, response.statusCode());
        assertEquals("public for anonymous", response.body());
        assertEquals("public for alice", get(base + "/orders/public", bearer()).body());
    }

    @Test
    void permitAllWhenTokenInvalidThen401InvalidToken() throws Exception {
        HttpResponse<String> response = get(base + "/orders/public", "Bearer abc.def.ghi");
        assertEquals(401, response.statusCode());
        assertTrue(challenge(response).contains("error=\"invalid_token\""), challenge(response));
    }

    @Test
    void denyAllWhenAuthenticatedThen403AndWhenAnonymousThen401() throws Exception {
        assertEquals(403, get(base + "/orders/never", bearer("admin")).statusCode());
        assertEquals(401, get(base + "/orders/never").statusCode());
    }

    @Test
    void unannotatedWhenNoTokenThenOpen() throws Exception {
        HttpResponse<String> response = get(base + "/orders/unannotated");
        assertEquals(200, response.statusCode());
        assertNull(challenge(response));
    }

    @Test
    void classLevelRolesAllowedWhenMethodPermitsAllThenMethodWins() throws Exception {
        assertEquals(401, get(base + "/reports").statusCode());
        assertEquals(403, get(base + "/reports", bearer("user")).statusCode());
        assertEquals(200, get(base + "/reports", bearer("analyst")).statusCode());
        assertEquals(200, get(base + "/reports/summary").statusCode());
    }

    @Test
    void requestWhenTokenInQueryOrHeaderMalformedThen400() throws Exception {
        assertEquals(400, get(base + "/orders/public?access_token=abc").statusCode());
        assertEquals(400, get(base + "/orders/mine", "Bearer a b").statusCode());
        assertEquals(400, get(base + "/orders/mine", bearer("user"), bearer("user")).statusCode());
    }

    @Test
    void requestWhenSchemeLetterCaseVariesThenAccepted() throws Exception {
        for (String scheme : Map.of("bearer", 1, "BEARER", 2, "BeArEr", 3).keySet()) {
            assertEquals(200, get(base + "/orders/mine", bearer("user").replace("Bearer", scheme)).statusCode(), scheme);
        }
    }
}
