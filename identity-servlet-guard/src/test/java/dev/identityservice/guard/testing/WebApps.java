package dev.identityservice.guard.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Deploys a test WAR directory's {@code WEB-INF/web.xml} in a real Jetty {@code WebAppContext}. */
public final class WebApps {

    private WebApps() {
    }

    /** A started server and the URL of its {@code /app} context. */
    public record Deployed(Server server, String base) {
    }

    /**
     * Copies {@code src/test/resources/<name>/WEB-INF/web.xml} into {@code webapp} with {@code @ISSUER@}
     * replaced, and serves it on 127.0.0.1, port 0, at {@code /app}.
     */
    public static Deployed deploy(String name, Path webapp, String issuerUrl) throws Exception {
        Path source = Path.of("src/test/resources", name, "WEB-INF/web.xml");
        Files.createDirectories(webapp.resolve("WEB-INF"));
        Files.writeString(webapp.resolve("WEB-INF/web.xml"),
                Files.readString(source, StandardCharsets.UTF_8).replace("@ISSUER@", issuerUrl));
        Server server = new Server();
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
        return new Deployed(server, "http://127.0.0.1:" + connector.getLocalPort() + "/app");
    }
}
