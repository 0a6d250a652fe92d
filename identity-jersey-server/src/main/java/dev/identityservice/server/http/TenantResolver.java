package dev.identityservice.server.http;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves the tenant of each request once, before routing: {@code /t/{tenant}/rest} is tenant
 * {@code tenant} and routes as {@code /rest}; any other path is the default tenant. An unknown tenant is
 * 404 JSON. Endpoints therefore exist once and read the tenant through {@link RequestTenant}.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class TenantResolver implements ContainerRequestFilter {

    /** The path prefix of a tenant's endpoints: {@code /t/{tenant}}. */
    public static final String TENANT_PATH_PREFIX = "t/";
    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final IdentityEngine engine;

    public TenantResolver(IdentityEngine engine) {
        this.engine = engine;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        URI base = request.getUriInfo().getBaseUri();
        String path = request.getUriInfo().getPath(false);
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        String tenantId = Tenant.DEFAULT_ID;
        if (path.startsWith(TENANT_PATH_PREFIX)) {
            int slash = path.indexOf('/', TENANT_PATH_PREFIX.length());
            tenantId = slash < 0 ? path.substring(TENANT_PATH_PREFIX.length()) : path.substring(TENANT_PATH_PREFIX.length(), slash);
            String rest = slash < 0 ? "" : path.substring(slash + 1);
            URI tenantBase = base.resolve(TENANT_PATH_PREFIX + tenantId + "/");
            URI requestUri = request.getUriInfo().getRequestUri();
            String query = requestUri.getRawQuery();
            request.setRequestUri(tenantBase, URI.create(tenantBase + rest + (query == null ? "" : "?" + query)));
        }
        Optional<Tenant> tenant = TENANT_ID.matcher(tenantId).matches() ? engine.tenant(tenantId) : Optional.empty();
        if (tenant.isEmpty()) {
            request.abortWith(ErrorResponses.of(new OAuthError("not_found", "Unknown tenant", 404)));
            return;
        }
        request.setProperty(RequestTenant.PROPERTY, tenant.get());
    }
}
