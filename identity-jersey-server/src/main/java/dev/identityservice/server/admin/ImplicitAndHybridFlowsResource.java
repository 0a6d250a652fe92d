package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.RequestTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * Whether the request's tenant allows the implicit and hybrid flows ({@code Tenant#implicitAndHybridFlows}, OIDC
 * Core §3.2, §3.3): off by default, since RFC 9700 §2.1.2 says not to use the implicit grant.
 *
 * <ul>
 *   <li>{@code GET admin/implicit-hybrid-flows}: {@code {"enabled": false}}</li>
 *   <li>{@code PUT admin/implicit-hybrid-flows} {@code {"enabled": true}}: discovery, the authorization endpoint
 *       and dynamic registration follow at once; clients still use only the response types they registered</li>
 * </ul>
 */
@Path("admin/implicit-hybrid-flows")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class ImplicitAndHybridFlowsResource {

    /** The setting, as shown and as set. */
    record Setting(Boolean enabled) {
    }

    private final IdentityEngine engine;

    ImplicitAndHybridFlowsResource(IdentityEngine engine) {
        this.engine = engine;
    }

    @GET
    public Response get(@Context ContainerRequestContext request) {
        return AdminJson.ok(new Setting(RequestTenant.of(request).implicitAndHybridFlows()));
    }

    @PUT
    public Response put(@Context ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        Setting wanted = AdminJson.read(request, body, Setting.class);
        if (wanted.enabled() == null) {
            throw AdminErrors.invalid("enabled is required: true or false");
        }
        Tenant updated = engine.updateTenant(tenant.withImplicitAndHybridFlows(wanted.enabled()));
        return AdminJson.ok(new Setting(updated.implicitAndHybridFlows()));
    }
}
