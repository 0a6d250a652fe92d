package dev.identityservice.guard.jaxrs.placement;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.jaxrs.GuardFeature;
import dev.identityservice.guard.testing.FakeIssuer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The placements through the Jersey {@link GuardFeature} alone, no servlet filter. */
class RolesPlacementFeatureTest extends RolesPlacementContract {
    static Server server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        issuer = startIssuer();
        GuardConfig config = GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE).realm("orders")
                .introspectionClient(FakeIssuer.INTROSPECTION_CLIENT, FakeIssuer.INTROSPECTION_SECRET).build();
        ResourceConfig application = new ResourceConfig()
                .registerClasses(PlacementResources.withAttacks().toArray(Class<?>[]::new))
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

    @Override
    String base() {
        return base;
    }

    @Override
    int anonymousOnOpenMethod() {
        return 200;
    }
}
