package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.SigningAlgorithm;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.RequestTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The signing keys of the request's tenant: list, rotate, rotate-and-revoke, revoke one key, and choose the
 * algorithm of the next key. Every change answers the resulting key list; the JWKS endpoint serves the new
 * set from the same moment (it renders whenever the tenant's key ring instance changes).
 */
@Path("admin/keys")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class KeyResource {

    private final IdentityEngine engine;

    KeyResource(IdentityEngine engine) {
        this.engine = engine;
    }

    @GET
    public Response list(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        return keys(tenant, engine.keys().keyRing(tenant.id()));
    }

    /** NEXT starts signing, ACTIVE becomes ROTATED (still published for the tokens it signed), a new NEXT is published. */
    @POST
    @Path("rotate")
    public Response rotate(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        return keys(tenant, engine.keys().rotate(tenant.id()));
    }

    /** Like rotate, but the old ACTIVE key is REVOKED: gone from the JWKS, its tokens refused at once. */
    @POST
    @Path("rotate-and-revoke")
    public Response rotateAndRevoke(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        // One transaction with the key's security event (signing-key-revoked).
        return keys(tenant, engine.inOneTransaction(() -> engine.keys().rotateAndRevoke(tenant.id())));
    }

    @POST
    @Path("{kid}/revoke")
    public Response revoke(@Context ContainerRequestContext request, @PathParam("kid") String kid) {
        Tenant tenant = RequestTenant.of(request);
        boolean known = engine.keys().keyRing(tenant.id()).keys().stream().anyMatch(k -> k.kid().equals(kid));
        if (!known) {
            throw AdminErrors.notFound("No key '" + kid + "'");
        }
        return keys(tenant, engine.inOneTransaction(() -> engine.keys().revoke(tenant.id(), kid)));
    }

    /** Replaces the NEXT key by one of the new algorithm; the ACTIVE key signs on until the next rotation. */
    @PUT
    @Path("algorithm")
    public Response changeAlgorithm(@Context ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        AlgorithmChange change = AdminJson.read(request, body, AlgorithmChange.class);
        if (change.algorithm() == null) {
            throw AdminErrors.invalid("algorithm is required");
        }
        SigningAlgorithm algorithm;
        try {
            algorithm = SigningAlgorithm.parse(change.algorithm());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid("algorithm: " + e.getMessage());
        }
        KeyRing ring = engine.changeSigningAlgorithm(tenant.id(), algorithm);
        return keys(tenant, ring);
    }

    private Response keys(Tenant tenant, KeyRing ring) {
        Tenant current = engine.tenant(tenant.id()).orElse(tenant);
        return AdminJson.ok(KeyList.of(current, ring));
    }
}
