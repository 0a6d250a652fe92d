package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.registration.ClientRegistrations;
import dev.identityservice.core.registration.ClientRegistrations.IssuedInitialAccessToken;
import dev.identityservice.core.registration.InitialAccessToken;
import dev.identityservice.core.registration.RegistrationMode;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.Durations;
import dev.identityservice.server.http.RequestTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Duration;

/**
 * Dynamic client registration of the request's tenant (RFC 7591): its mode, and the initial access tokens
 * that {@code initial-access-token} mode requires. A token is shown once, in the answer that issues it; only
 * its SHA-256 is stored, and the list shows ids, uses and expiry.
 *
 * <ul>
 *   <li>{@code GET admin/registration}: {@code {"mode", "registeredClients", "maxClients"}}</li>
 *   <li>{@code PUT admin/registration} {@code {"mode": "disabled" | "open" | "initial-access-token"}}</li>
 *   <li>{@code POST admin/registration/initial-access-tokens} {@code {"expiresIn": "7d", "maxUses": 10}} (both
 *       optional: 1 day, unlimited uses): 201 with {@code token}</li>
 *   <li>{@code GET admin/registration/initial-access-tokens}, {@code DELETE .../{id}}</li>
 * </ul>
 */
@Path("admin/registration")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class RegistrationResource {

    /** The registration settings of a tenant. */
    record Settings(String mode, Integer registeredClients, Integer maxClients) {
    }

    /** The body of {@code PUT}: only the mode is set; the count and the cap are not. */
    record ModeChange(String mode) {
    }

    /** What an administrator asks of a new initial access token. */
    record TokenRequest(String expiresIn, Integer maxUses) {
    }

    /** An initial access token as listed; {@code token} only in the answer that issued it. */
    record TokenView(String id, String token, Integer maxUses, int uses, String createdAt, String expiresAt) {
        static TokenView of(InitialAccessToken t, String token) {
            return new TokenView(t.id(), token, t.maxUses(), t.uses(), t.createdAt().toString(), t.expiresAt().toString());
        }
    }

    private final IdentityEngine engine;
    private final int maxClients;

    RegistrationResource(IdentityEngine engine, int maxClients) {
        this.engine = engine;
        this.maxClients = maxClients;
    }

    @GET
    public Response get(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        return AdminJson.ok(new Settings(tenant.registrationMode().value(), engine.registrations().count(tenant.id()), maxClients));
    }

    /** Sets the tenant's registration mode; discovery shows or hides {@code registration_endpoint} at once. */
    @PUT
    public Response put(@Context ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        ModeChange settings = AdminJson.read(request, body, ModeChange.class);
        if (settings.mode() == null) {
            throw AdminErrors.invalid("mode is required: disabled, open or initial-access-token");
        }
        RegistrationMode mode;
        try {
            mode = RegistrationMode.parse(settings.mode());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e);
        }
        Tenant updated = engine.updateTenant(tenant.withRegistrationMode(mode));
        return AdminJson.ok(new Settings(updated.registrationMode().value(), engine.registrations().count(tenant.id()), maxClients));
    }

    @POST
    @Path("initial-access-tokens")
    public Response issue(@Context ContainerRequestContext request, @Context UriInfo uri, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        TokenRequest wanted = AdminJson.read(request, body, TokenRequest.class);
        IssuedInitialAccessToken issued;
        try {
            Duration ttl = wanted.expiresIn() == null ? ClientRegistrations.DEFAULT_INITIAL_ACCESS_TOKEN_TTL
                    : Durations.parse("expiresIn", wanted.expiresIn());
            issued = engine.registrations().issueInitialAccessToken(tenant.id(), ttl, wanted.maxUses());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e);
        }
        return AdminJson.created(uri.getAbsolutePathBuilder().path(issued.token().id()).build(),
                TokenView.of(issued.token(), issued.value()));
    }

    @GET
    @Path("initial-access-tokens")
    public Response list(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        return AdminJson.ok(engine.registrations().initialAccessTokens(tenant.id()).stream().map(t -> TokenView.of(t, null)).toList());
    }

    @DELETE
    @Path("initial-access-tokens/{id}")
    public Response revoke(@Context ContainerRequestContext request, @PathParam("id") String id) {
        if (!engine.registrations().revokeInitialAccessToken(RequestTenant.of(request).id(), id)) {
            throw AdminErrors.notFound("No initial access token '" + id + "'");
        }
        return Response.noContent().build();
    }
}
