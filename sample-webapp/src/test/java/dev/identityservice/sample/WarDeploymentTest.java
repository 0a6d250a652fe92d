package dev.identityservice.sample;

import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The WAR as a container deploys it: a {@link WebAppContext} on {@code src/main/webapp}, its
 * {@code web.xml} untouched, the issuer given the way an operator would, as {@code SAMPLE_ISSUER};
 * audience and client id keep their {@code web.xml} defaults.
 */
class WarDeploymentTest extends GuardedAppContract {

    static FakeIssuer issuer;
    static Server server;
    static String base;

    @BeforeAll
    static void deploy() throws Exception {
        issuer = FakeIssuer.start();
        System.setProperty("SAMPLE_ISSUER", issuer.url());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext war = new WebAppContext();
        war.setContextPath("/sample");
        war.setBaseResourceAsPath(Path.of("src/main/webapp"));
        war.setParentLoaderPriority(true);
        war.setThrowUnavailableOnStartupException(true);
        server.setHandler(war);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/sample/";
    }

    @AfterAll
    static void undeploy() throws Exception {
        System.clearProperty("SAMPLE_ISSUER");
        server.stop();
        issuer.close();
    }

    @Override
    String base() {
        return base;
    }

    @Override
    FakeIssuer issuer() {
        return issuer;
    }

    @Override
    String audience() {
        return "demo-api";
    }

    @Override
    String clientId() {
        return "demo-spa";
    }
}
