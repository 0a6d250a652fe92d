package dev.identityservice.server.http;

import dev.identityservice.core.tenant.Tenant;
import jakarta.ws.rs.container.ContainerRequestContext;

/** The tenant that {@link TenantResolver} resolved for a request; endpoints read it here and nowhere else. */
public final class RequestTenant {

    static final String PROPERTY = RequestTenant.class.getName();

    private RequestTenant() {
    }

    /** The resolved tenant, or empty where no {@link TenantResolver} runs (the management listener). */
    public static java.util.Optional<Tenant> find(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof Tenant resolved ? java.util.Optional.of(resolved) : java.util.Optional.empty();
    }

    public static Tenant of(ContainerRequestContext request) {
        Object tenant = request.getProperty(PROPERTY);
        if (!(tenant instanceof Tenant resolved)) {
            throw new IllegalStateException("no tenant resolved for this request");
        }
        return resolved;
    }
}
