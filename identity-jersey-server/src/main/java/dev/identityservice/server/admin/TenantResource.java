package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.Durations;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.setup.SetupFile.TenantEntry;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;

/**
 * Tenants, managed by the default tenant's administrators only: under {@code /t/{tenant}/admin} they do not
 * exist (404), so a tenant's admin can neither see nor create other tenants. The body is the import file's
 * tenant entry; a new tenant gets its first keys (ACTIVE and NEXT) at once.
 */
@Path("admin/tenants")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class TenantResource {

    private final IdentityEngine engine;

    TenantResource(IdentityEngine engine) {
        this.engine = engine;
    }

    @POST
    public Response create(@Context ContainerRequestContext request, @Context UriInfo uri, InputStream body) {
        Tenant root = requireRoot(request);
        TenantEntry entry = AdminJson.read(request, body, TenantEntry.class);
        if (entry.id() == null || entry.id().isBlank()) {
            throw AdminErrors.invalid("id is required");
        }
        if (engine.tenant(entry.id()).isPresent()) {
            throw AdminErrors.conflict("tenant '" + entry.id() + "' exists");
        }
        Tenant tenant;
        try {
            URI issuer = entry.issuer() != null ? URI.create(entry.issuer())
                    : URI.create(root.issuer() + "/" + TenantResolver.TENANT_PATH_PREFIX + entry.id());
            SigningAlgorithm algorithm = entry.signingAlgorithm() == null ? SigningAlgorithm.DEFAULT
                    : SigningAlgorithm.parse(entry.signingAlgorithm());
            Duration period = entry.rotationPeriod() == null ? Tenant.DEFAULT_ROTATION_PERIOD
                    : Durations.parse("rotationPeriod", entry.rotationPeriod());
            // Validate everything before anything is stored, so a bad field leaves no half-made tenant.
            RegistrationMode registration = entry.registration() == null ? RegistrationMode.DISABLED
                    : RegistrationMode.parse(entry.registration());
            Tenant wanted = new Tenant(entry.id(), issuer, algorithm, period, engine.clock().instant(), registration);
            if (engine.tenants().stream().anyMatch(t -> t.issuer().equals(wanted.issuer()))) {
                throw AdminErrors.conflict("issuer '" + wanted.issuer() + "' belongs to another tenant");
            }
            tenant = engine.ensureTenant(wanted.id(), wanted.issuer(), wanted.signingAlgorithm());
            if (!tenant.rotationPeriod().equals(period) || tenant.registrationMode() != registration) {
                tenant = engine.updateTenant(tenant.withRotationPeriod(period).withRegistrationMode(registration));
            }
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e);
        }
        return AdminJson.created(uri.getAbsolutePathBuilder().path(tenant.id()).build(), TenantView.of(tenant));
    }

    @GET
    public Response list(@Context ContainerRequestContext request) {
        requireRoot(request);
        return AdminJson.ok(engine.tenants().stream().sorted(Comparator.comparing(Tenant::id)).map(TenantView::of).toList());
    }

    @GET
    @Path("{id}")
    public Response get(@Context ContainerRequestContext request, @PathParam("id") String id) {
        requireRoot(request);
        return AdminJson.ok(TenantView.of(engine.tenant(id).orElseThrow(() -> AdminErrors.notFound("No tenant '" + id + "'"))));
    }

    private static Tenant requireRoot(ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        if (!Tenant.DEFAULT_ID.equals(tenant.id())) {
            throw AdminErrors.notFound("Tenants are managed at /admin/tenants of the default tenant only");
        }
        return tenant;
    }
}
