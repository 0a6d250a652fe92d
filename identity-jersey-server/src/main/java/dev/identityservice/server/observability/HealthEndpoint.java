package dev.identityservice.server.observability;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Liveness and readiness at {@code /health}: {@code live} while the process answers; {@code ready} when
 * the database answers within {@value #DATABASE_TIMEOUT_SECONDS} s and the default tenant has a signing
 * key. 200 when ready, else 503, so a load balancer can route on the status alone.
 */
@Path("health")
public final class HealthEndpoint {

    static final int DATABASE_TIMEOUT_SECONDS = 2;

    private final IdentityEngine engine;

    public HealthEndpoint(IdentityEngine engine) {
        this.engine = engine;
    }

    @GET
    public Response health() {
        boolean database = engine.database().isReachable(DATABASE_TIMEOUT_SECONDS);
        boolean keys = keysLoaded();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("live", true);
        body.put("ready", database && keys);
        body.put("database", database ? "up" : "down");
        body.put("keys", keys ? "loaded" : "missing");
        return Response.status(database && keys ? 200 : 503)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(Json.bytes(body))
                .build();
    }

    private boolean keysLoaded() {
        try {
            engine.keys().keyRing(Tenant.DEFAULT_ID).active();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
