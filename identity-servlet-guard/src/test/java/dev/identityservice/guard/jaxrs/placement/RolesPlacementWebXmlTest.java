package dev.identityservice.guard.jaxrs.placement;

import dev.identityservice.guard.testing.WebApps;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The placements in a WAR: {@code web.xml} installs the {@code BearerTokenFilter} in front of the
 * Jersey servlet whose application registers {@code GuardFeature.behindServletFilter}; deployed in a
 * Jetty {@code WebAppContext}. The filter needs a token on every path, so anonymous calls get 401.
 */
class RolesPlacementWebXmlTest extends RolesPlacementContract {
    static Server server;
    static String base;

    @BeforeAll
    static void deploy(@TempDir java.nio.file.Path webapp) throws Exception {
        issuer = startIssuer();
        WebApps.Deployed deployed = WebApps.deploy("guard-jersey-webapp", webapp, issuer.url());
        server = deployed.server();
        base = deployed.base() + "/api";
    }

    @AfterAll
    static void undeploy() throws Exception {
        server.stop();
        issuer.close();
    }

    @Override
    String base() {
        return base;
    }

    @Override
    int anonymousOnOpenMethod() {
        return 401;
    }
}
