package dev.identityservice.server.http;

import dev.identityservice.core.tenant.Tenant;
import jakarta.ws.rs.container.ContainerRequestContext;

/** The tenant that {@link TenantResolver} resolved for a request; endpoints read it here and nowhere else. */
public final class RequestTenant {

    static final String PROPERTY = RequestTenant.class.getName();

    private RequestTenant() {
    }

    public static Tenant of(ContainerRequestContext request) {
        Object tenant = request.getProperty(PROPERTY);
        if (!(tenant instanceof Tenant resolved)) {
            throw new IllegalStateException("no tenant resolved for this request");
        }
        return resolved;
    }
}
