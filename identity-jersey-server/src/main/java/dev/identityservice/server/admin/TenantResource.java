package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.User;
import dev.identityservice.core.user.UserProfile;
import dev.identityservice.core.user.Usernames;
import dev.identityservice.server.Durations;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.setup.SetupExport;
import dev.identityservice.server.setup.SetupImporter;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;

/**
 * Tenants, managed by the default tenant's administrators only: under {@code /t/{tenant}/admin} they do not
 * exist (404), so a tenant's admin can neither see nor create other tenants. The body is the import file's
 * tenant entry plus an optional first administrator; a new tenant gets its first keys (ACTIVE and NEXT) at
 * once, and is administered at {@code /t/{id}/admin} by the default tenant's administrators and its own.
 */
@Path("admin/tenants")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class TenantResource {

    /** The length of a generated first-admin password: 24 base64url characters, 144 bits. */
    static final int GENERATED_PASSWORD_CHARS = 24;

    private final IdentityEngine engine;

    TenantResource(IdentityEngine engine) {
        this.engine = engine;
    }

    /**
     * Creates a tenant with its first keys and, when the body names one, its first administrator, in one
     * transaction (a refused password leaves no tenant behind). The administrator's password is the caller's,
     * or generated and shown in this answer only. Default tenant's administrators only.
     */
    @POST
    public Response create(@Context ContainerRequestContext request, @Context UriInfo uri, InputStream body) {
        Tenant root = requireRoot(request);
        TenantCreation entry = AdminJson.read(request, body, TenantCreation.class);
        if (entry.id() == null || entry.id().isBlank()) {
            throw AdminErrors.invalid("id is required");
        }
        if (engine.tenant(entry.id()).isPresent()) {
            throw AdminErrors.conflict("tenant '" + entry.id() + "' exists");
        }
        Tenant wanted;
        String generated = null;
        try {
            URI issuer = entry.issuer() != null ? URI.create(entry.issuer())
                    : TenantResolver.derivedIssuer(root.issuer(), entry.id());
            SigningAlgorithm algorithm = entry.signingAlgorithm() == null ? SigningAlgorithm.DEFAULT
                    : SigningAlgorithm.parse(entry.signingAlgorithm());
            Duration period = entry.rotationPeriod() == null ? Tenant.DEFAULT_ROTATION_PERIOD
                    : Durations.parse("rotationPeriod", entry.rotationPeriod());
            // Validate everything before anything is stored, so a bad field leaves no half-made tenant.
            RegistrationMode registration = entry.registration() == null ? RegistrationMode.DISABLED
                    : RegistrationMode.parse(entry.registration());
            wanted = new Tenant(entry.id(), issuer, algorithm, period, engine.clock().instant(), registration,
                    Boolean.TRUE.equals(entry.implicitAndHybridFlows()));
            if (entry.admin() != null) {
                if (entry.admin().username() == null || entry.admin().username().isBlank()) {
                    throw AdminErrors.invalid("admin.username is required");
                }
                Usernames.stored(entry.admin().username());
                if (entry.admin().password() != null) {
                    SetupImporter.checkPassword(entry.admin().password());
                } else {
                    generated = ClientSecrets.generate().substring(0, GENERATED_PASSWORD_CHARS);
                }
            }
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e);
        }
        if (engine.tenants().stream().anyMatch(t -> t.issuer().equals(wanted.issuer()))) {
            throw AdminErrors.conflict("issuer '" + wanted.issuer() + "' belongs to another tenant");
        }
        String password = generated != null ? generated : entry.admin() == null ? null : entry.admin().password();
        Created made;
        try {
            made = engine.inOneTransaction(() -> {
                Tenant created = engine.ensureTenant(wanted.id(), wanted.issuer(), wanted.signingAlgorithm());
                if (!created.rotationPeriod().equals(wanted.rotationPeriod())
                        || created.registrationMode() != wanted.registrationMode()
                        || created.implicitAndHybridFlows() != wanted.implicitAndHybridFlows()) {
                    created = engine.updateTenant(created.withRotationPeriod(wanted.rotationPeriod())
                            .withRegistrationMode(wanted.registrationMode())
                            .withImplicitAndHybridFlows(wanted.implicitAndHybridFlows()));
                }
                User user = entry.admin() == null ? null : engine.userRegistration().register(created.id(),
                        entry.admin().username(), password.toCharArray(), UserProfile.EMPTY, Set.of(AdminGuard.ADMIN_ROLE), Map.of());
                return new Created(created, user);
            });
        } catch (IllegalArgumentException invalid) {
            throw AdminErrors.invalid(invalid);
        }
        TenantView.AdminView admin = made.admin() == null ? null
                : new TenantView.AdminView(made.admin().id(), made.admin().username(), generated);
        return AdminJson.created(uri.getAbsolutePathBuilder().path(made.tenant().id()).build(), TenantView.of(made.tenant(), admin));
    }

    /** What a creation stored: the tenant, and its first administrator or null. */
    private record Created(Tenant tenant, User admin) {
    }

    /**
     * The tenant's configuration as an import file ({@link SetupExport}): the tenant, its users with their roles,
     * profiles and attributes, and its clients with every setting; never a password, hash or client secret.
     * Default tenant's administrators only.
     */
    @GET
    @Path("{id}/export")
    public Response export(@Context ContainerRequestContext request, @PathParam("id") String id) {
        Tenant root = requireRoot(request);
        Tenant tenant = engine.tenant(id).orElseThrow(() -> AdminErrors.notFound("No tenant '" + id + "'"));
        // Streamed as the stores are read, a page at a time: a tenant of any size costs the same memory.
        StreamingOutput file = out -> SetupExport.write(engine, tenant, root.issuer(), out);
        return Response.ok(file, MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                .header("Content-Disposition", "attachment; filename=\"" + tenant.id() + "-setup.json\"").build();
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
