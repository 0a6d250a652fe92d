package dev.identityservice.guard.jaxrs;

import static dev.identityservice.guard.testing.HttpCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A {@link GuardFeature} scoped to some paths leaves the others, and their bearer tokens, alone. */
class ScopedGuardFeatureTest {

    static final TestKey KEY = TestKey.ec("scoped-1");
    static FakeIssuer issuer;
    static Server server;
    static String base;

    @Path("/")
    public static class Resources {
        @GET
        @Path("admin/stats")
        @RolesAllowed("admin")
        public String stats(@Context SecurityContext security) {
            return "stats for " + security.getUserPrincipal().getName();
        }

        /** Reads its token itself, as an issuer's UserInfo endpoint does. */
        @GET
        @Path("userinfo")
        public String userinfo(@HeaderParam("Authorization") String authorization, @Context SecurityContext security) {
            return "own token " + authorization + ", principal " + security.getUserPrincipal();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        issuer = FakeIssuer.start(KEY);
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience("admin-api").realm("admin").build();
        ResourceConfig application = new ResourceConfig(Resources.class)
                .register(new GuardFeature(config).onlyFor(request -> request.getUriInfo().getPath().startsWith("admin")));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ServletContainer(application)), "/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        issuer.close();
    }

    @Test
    void onlyForWhenPathOutsideScopeThenTokenOfAnotherAudienceOrGarbageIsNotTouched() throws Exception {
        String foreign = "Bearer " + TestTokens.accessToken(issuer.url(), "other-api", KEY, Clock.systemUTC())
                .claim("roles", List.of("user")).sign();

        assertEquals(200, get(base + "/userinfo", foreign).statusCode());
        assertEquals("own token Bearer abc.def.ghi, principal null", get(base + "/userinfo", "Bearer abc.def.ghi").body());
    }

    @Test
    void onlyForWhenPathInsideScopeThenGuardedAsBefore() throws Exception {
        String admin = "Bearer " + TestTokens.accessToken(issuer.url(), "admin-api", KEY, Clock.systemUTC())
                .claim("roles", List.of("admin")).sign();
        String wrongAudience = "Bearer " + TestTokens.accessToken(issuer.url(), "other-api", KEY, Clock.systemUTC())
                .claim("roles", List.of("admin")).sign();

        assertEquals(401, get(base + "/admin/stats").statusCode());
        assertEquals(401, get(base + "/admin/stats", wrongAudience).statusCode());
        assertEquals(200, get(base + "/admin/stats", admin).statusCode());
    }
}
