package dev.identityservice.server.observability;

import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health for load balancers and orchestrators, each answered within {@link DatabaseHealth#PROBE_TIMEOUT}:
 * <ul>
 *   <li>{@code /health/live}: 200 while the process answers HTTP; no I/O, so a database outage never makes an
 *       orchestrator restart a healthy process.</li>
 *   <li>{@code /health/ready}: 200 when the database answers ({@link DatabaseHealth}) and the default tenant's
 *       signing keys are loaded, else 503 with {@code Retry-After}: route traffic elsewhere meanwhile.</li>
 *   <li>{@code /health}: both in one JSON document, with the status of {@code ready} (what it always meant).</li>
 * </ul>
 */
@Path("health")
public final class HealthEndpoint {

    private final DatabaseHealth database;
    private final KeyRingProvider keys;

    public HealthEndpoint(DatabaseHealth database, KeyRingProvider keys) {
        this.database = database;
        this.keys = keys;
    }

    /** Liveness and readiness together; 200 when ready, else 503. */
    @GET
    public Response health() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("live", true);
        return readiness(body);
    }

    /** 200 {@code {"live":true}}: the process serves requests. */
    @GET
    @Path("live")
    public Response live() {
        return json(200, Map.of("live", true));
    }

    /** 200 when ready for traffic, else 503 with {@code Retry-After}; the body says which part is missing. */
    @GET
    @Path("ready")
    public Response ready() {
        return readiness(new LinkedHashMap<>());
    }

    private Response readiness(Map<String, Object> body) {
        boolean reachable = database.reachable();
        boolean loaded = keysLoaded();
        boolean ready = reachable && loaded;
        body.put("ready", ready);
        body.put("database", reachable ? "up" : "down");
        body.put("keys", loaded ? "loaded" : "missing");
        Response response = json(ready ? 200 : 503, body);
        return ready ? response : Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, DatabaseHealth.RETRY_AFTER_SECONDS).build();
    }

    /** From memory: the key ring is loaded at start and kept up to date by rotation and change notifications. */
    private boolean keysLoaded() {
        try {
            keys.keyRing(Tenant.DEFAULT_ID).active();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Response json(int status, Map<String, Object> body) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                .entity(Json.bytes(body))
                .build();
    }
}
