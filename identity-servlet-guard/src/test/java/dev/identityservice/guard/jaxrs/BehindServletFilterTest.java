package dev.identityservice.guard.jaxrs;

import static dev.identityservice.guard.testing.HttpCalls.challenge;
import static dev.identityservice.guard.testing.HttpCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.servlet.BearerTokenFilter;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.DispatcherType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GuardFeature#behindServletFilter} in a Jersey app behind {@link BearerTokenFilter}: the
 * filter authenticates, the feature enforces roles with the filter's token and verifies nothing.
 */
class BehindServletFilterTest {
    static final TestKey KEY = TestKey.rsa("behind-1");
    static final AtomicInteger VERIFICATIONS = new AtomicInteger();
    static FakeIssuer issuer;
    static Server server;
    static String base;

    @Path("/")
    public static class Resources {
        @GET
        @Path("me")
        @RolesAllowed("user")
        public String me(@Context SecurityContext security) {
            VerifiedToken token = (VerifiedToken) security.getUserPrincipal();
            return token.subject() + " " + security.getAuthenticationScheme() + " " + token.roles();
        }

        @GET
        @Path("admin")
        @RolesAllowed("admin")
        public String admin() {
            return "admin";
        }

        @GET
        @Path("open/hello")
        @PermitAll
        public String hello(@Context SecurityContext security) {
            return security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName();
        }

        @GET
        @Path("open/guarded")
        @RolesAllowed("user")
        public String guardedButPublicPath() {
            return "unreachable without the filter's token";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        issuer = FakeIssuer.start(KEY);
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience("orders-api").realm("orders")
                .publicPaths("/api/open/*").build();
        TokenVerifier real = GuardTokenVerifier.create(config);
        TokenVerifier counting = token -> {
            VERIFICATIONS.incrementAndGet();
            return real.verify(token);
        };
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new BearerTokenFilter(config, counting)), "/api/*",
                EnumSet.of(DispatcherType.REQUEST));
        ResourceConfig application = new ResourceConfig(Resources.class)
                .register(GuardFeature.behindServletFilter(config.realm()));
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

    @BeforeEach
    void resetCount() {
        VERIFICATIONS.set(0);
    }

    static String bearer(String... roles) {
        return "Bearer " + TestTokens.accessToken(issuer.url(), "orders-api", KEY, Clock.systemUTC())
                .claim("roles", List.of(roles)).sign();
    }

    @Test
    void rolesAllowedWhenFilterVerifiedTokenThenServedWithOneVerification() throws Exception {
        HttpResponse<String> response = get(base + "/me", bearer("user"));
        assertEquals(200, response.statusCode());
        assertEquals("alice Bearer [user]", response.body());
        assertEquals(1, VERIFICATIONS.get());
    }

    @Test
    void rolesAllowedWhenFilterTokenLacksRoleThen403FromFeatureWithFilterRealm() throws Exception {
        HttpResponse<String> response = get(base + "/admin", bearer("user"));
        assertEquals(403, response.statusCode());
        assertEquals("Bearer realm=\"orders\", error=\"insufficient_scope\", "
                + "error_description=\"the token lacks a required role\", scope=\"admin\"", challenge(response));
        assertEquals(1, VERIFICATIONS.get());
    }

    @Test
    void requestWhenNoTokenThenFilterAnswers401BeforeJersey() throws Exception {
        HttpResponse<String> response = get(base + "/me");
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"orders\"", challenge(response));
    }

    @Test
    void publicPathWhenTokenSentThenFeatureNeitherVerifiesNorAdoptsIt() throws Exception {
        HttpResponse<String> hello = get(base + "/open/hello", bearer("user"));
        assertEquals(200, hello.statusCode());
        assertEquals("anonymous", hello.body());
        HttpResponse<String> guarded = get(base + "/open/guarded", bearer("user"));
        assertEquals(401, guarded.statusCode());
        assertTrue(challenge(guarded).startsWith("Bearer realm=\"orders\""), challenge(guarded));
        assertEquals(0, VERIFICATIONS.get());
    }
}
