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

/** {@code pass-cors-preflight}: on by default, and off when a team wants every request authenticated. */
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
    void preflightWhenPassingOnByDefaultThenReachesTheApplication() throws Exception {
        String url = start(true);
        var response = send("OPTIONS", url, "Origin", "https://app.example", "Access-Control-Request-Method", "DELETE");
        assertEquals(204, response.statusCode());
        assertEquals("https://app.example", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
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
}
