package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.server.observability.ServerMetrics;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/** A Jersey application that fails its initialisation: the handlers' start alongside reports it, it is not swallowed. */
class BreakerHandlersAlongsideTest {

    /** Two GET methods on one path: Jersey's model validation refuses the application. */
    @Path("broken")
    public static final class Broken {
        @GET
        public String one() {
            return "1";
        }

        @GET
        public String two() {
            return "2";
        }
    }

    @Test
    void jerseyInitialisationFailureSurfaces() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).dataDir(System.getProperty("java.io.tmpdir")).build();
        try (ServerMetrics metrics = new ServerMetrics()) {
            Server server = HttpServerFactory.withApplications(HttpServerFactory.create(config), config,
                    new ResourceConfig(Broken.class), null, metrics, java.util.List.of(), null);
            HttpServerFactory.HandlersStart started = HttpServerFactory.startHandlersAlongside(server);
            CompletionException failed = assertThrows(CompletionException.class, started.started()::join);
            assertTrue(failed.getCause() != null, String.valueOf(failed));
            started.stopAfterFailure(server);
            server.stop();
        }
    }
}
