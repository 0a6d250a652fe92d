package dev.identityservice.guard.events;

import static dev.identityservice.guard.testing.HttpCalls.challenge;
import static dev.identityservice.guard.testing.HttpCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.jaxrs.GuardFeature;
import dev.identityservice.guard.servlet.BearerTokenFilter;
import dev.identityservice.guard.testing.FakeTransmitter;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deny-list sits in the verifier both guard styles use: a token revoked by an event is refused with 401
 * {@code invalid_token} by the servlet filter and by the Jersey feature alike, over real HTTP.
 */
class RevocationOverHttpTest {
    static final TestKey KEY = TestKey.ec("http-1");

    private FakeTransmitter transmitter;
    private Server server;
    private GuardFeature feature;
    private BearerTokenFilter filter;

    @Path("/orders")
    public static class Orders {
        @GET
        @RolesAllowed("user")
        public String orders() {
            return "orders";
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        feature.close();
        transmitter.close();
    }

    @Test
    void revokedTokenWhenEventPolledThenServletFilterAndJerseyFeatureBothAnswer401() throws Exception {
        Clock clock = Clock.systemUTC();
        transmitter = FakeTransmitter.start(clock, KEY);
        transmitter.hold(Duration.ofMillis(300));
        GuardConfig config = GuardConfig.builder().issuer(transmitter.url()).audience("orders-api")
                .eventsClient(FakeTransmitter.RECEIVER, FakeTransmitter.RECEIVER_SECRET).build();
        feature = new GuardFeature(config);
        filter = new BearerTokenFilter(config);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ServletContainer(new ResourceConfig(Orders.class).register(feature))),
                "/api/*");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print("hello " + request.getRemoteUser());
            }
        }), "/web/*");
        context.addFilter(new FilterHolder(filter), "/web/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        String base = "http://127.0.0.1:" + connector.getLocalPort();

        String token = "Bearer " + TestTokens.accessToken(transmitter.url(), "orders-api", KEY, clock)
                .claim("jti", "revoke-me").claim("roles", List.of("user")).sign();
        assertEquals(200, get(base + "/api/orders", token).statusCode());
        assertEquals(200, get(base + "/web/x", token).statusCode());
        transmitter.accessTokenRevoked("revoke-me", transmitter.nowSeconds() + 300);
        SecurityEventsTest.await("both refuse", () -> status(base + "/api/orders", token) == 401
                && status(base + "/web/x", token) == 401);
        assertEquals("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"token revoked\"",
                challenge(get(base + "/web/x", token)));
        assertEquals(401, get(base + "/api/orders", token).statusCode());

        assertEquals(2, transmitter.openStreams(), "one stream per verifier");
        server.stop(); // destroys the filter, which closes the verifier it built
        SecurityEventsTest.await("the filter's stream deleted", () -> transmitter.openStreams() == 1);
        feature.close();
        assertEquals(0, transmitter.openStreams());
        assertEquals(2, transmitter.streamsDeleted.get());
    }

    private static int status(String url, String authorization) {
        try {
            return get(url, authorization).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
