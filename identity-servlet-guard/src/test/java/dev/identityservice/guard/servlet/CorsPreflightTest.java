package dev.identityservice.guard.servlet;

import static dev.identityservice.guard.testing.HttpCalls.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pass-cors-preflight}: off by default (a CORS filter mapped before the guard answers preflights), and on
 * for a team whose CORS handling sits behind the guard.
 */
class CorsPreflightTest {
    FakeIssuer issuer = FakeIssuer.start(TestKey.rsa("cors-1"));
    Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        issuer.close();
    }

    /** A servlet that answers preflights the way a CORS filter would. */
    public static class PreflightServlet extends HttpServlet {
        @Override
        protected void doOptions(HttpServletRequest request, HttpServletResponse response) {
            response.setHeader("Access-Control-Allow-Origin", request.getHeader("Origin"));
            response.setStatus(204);
        }
    }

    String start(boolean pass) throws Exception {
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience("orders-api")
                .passCorsPreflight(pass).build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new BearerTokenFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new PreflightServlet()), "/*");
        server.setHandler(context);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort() + "/orders";
    }

    @Test
    void preflightWhenPassingTurnedOnThenReachesTheApplication() throws Exception {
        String url = start(true);
        var response = send("OPTIONS", url, "Origin", "https://app.example", "Access-Control-Request-Method", "DELETE");
        assertEquals(204, response.statusCode());
        assertEquals("https://app.example", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void fromInitParamsWhenPassCorsPreflightAbsentThenOff() {
        assertEquals(false, GuardConfig.fromInitParams(java.util.Map.of("issuer", "https://id.example.com",
                "audience", "api")).passCorsPreflight());
    }

    @Test
    void preflightWhenPassingTurnedOffThen401() throws Exception {
        String url = start(false);
        assertEquals(401, send("OPTIONS", url, "Origin", "https://app.example",
                "Access-Control-Request-Method", "DELETE").statusCode());
    }

    @Test
    void optionsWhenOriginOrRequestMethodMissingThenNotAPreflightAnd401() throws Exception {
        String url = start(true);
        assertEquals(401, send("OPTIONS", url, "Origin", "https://app.example").statusCode());
        assertEquals(401, send("OPTIONS", url, "Access-Control-Request-Method", "DELETE").statusCode());
        assertEquals(401, send("DELETE", url, "Origin", "https://app.example",
                "Access-Control-Request-Method", "DELETE").statusCode());
    }

    @Test
    void fromInitParamsWhenPassCorsPreflightFalseThenOff() {
        assertEquals(false, GuardConfig.fromInitParams(java.util.Map.of("issuer", "https://id.example.com",
                "audience", "api", "pass-cors-preflight", "false")).passCorsPreflight());
    }

    /** A servlet that treats every method alike, as proxies and dispatchers do. */
    public static class AnyMethodServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            response.getWriter().write("admin-data");
        }
    }

    /**
     * Found in review: a passed-through anonymous {@code OPTIONS} carrying {@code Origin} and
     * {@code Access-Control-Request-Method} reaches whatever is behind the filter, even under
     * {@code required-roles}, and a servlet that does not dispatch on the method (a proxy, a front controller)
     * serves it like a GET. So pass-through is off by default: a CORS filter mapped before the guard answers
     * preflights itself.
     */
    @Test
    void preflightWhenServletIgnoresTheMethodThenProtectedContentNotServedAnonymously() throws Exception {
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience("orders-api")
                .requireRoles("/admin/*", "admin").build();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new BearerTokenFilter(config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new AnyMethodServlet()), "/*");
        server.setHandler(context);
        server.start();
        var response = send("OPTIONS", "http://127.0.0.1:" + connector.getLocalPort() + "/admin/users",
                "Origin", "https://evil.example", "Access-Control-Request-Method", "GET");
        assertEquals(false, response.body().contains("admin-data"), response.statusCode() + " " + response.body());
    }
}
