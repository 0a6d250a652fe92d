package dev.identityservice.sample;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/admin/stats}: role {@code admin}; a user-only token gets 403 {@code insufficient_scope}. */
@Path("admin/stats")
@RolesAllowed("admin")
public final class AdminResource {

    private final ApiStats stats;

    AdminResource(ApiStats stats) {
        this.stats = stats;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String stats(@Context SecurityContext security) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("admin", security.getUserPrincipal().getName());
        answer.put("startedAt", stats.startedAt().toString());
        answer.put("uptimeSeconds", stats.uptime().toSeconds());
        answer.put("meRequests", stats.meRequests());
        return JSONObjectUtils.toJSONString(answer);
    }
}
