package dev.identityservice.server.observability;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.admin.AdminGuard;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * Prometheus metrics at {@code /metrics}, in the text exposition format 0.0.4. On the main port the
 * {@link AdminGuard} enforces {@link RolesAllowed}: a bearer token of the default tenant with the admin role and
 * an admin audience (401/403 otherwise). On the management listener (setting {@code management.port}, loopback
 * only) no guard is installed and the annotation has no effect: whoever can reach 127.0.0.1 can scrape.
 */
@Path("metrics")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class MetricsEndpoint {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    public MetricsEndpoint(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** The metrics; 404 under a tenant's path ({@code /t/x/metrics}): they are the whole process's, not a tenant's. */
    @GET
    public Response scrape(@Context ContainerRequestContext request) {
        if (RequestTenant.find(request).filter(tenant -> !Tenant.DEFAULT_ID.equals(tenant.id())).isPresent()) {
            return ErrorResponses.of(new OAuthError("not_found", "No such endpoint", 404));
        }
        return Response.ok(metrics.scrape(), PROMETHEUS_TEXT).header("Cache-Control", ErrorResponses.NO_STORE).build();
    }
}
