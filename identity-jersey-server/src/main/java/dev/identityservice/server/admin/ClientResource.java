package dev.identityservice.server.admin;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientRegistrationRules;
import dev.identityservice.core.client.ClientSecrets;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.setup.SetupFile.ClientEntry;
import dev.identityservice.server.setup.SetupImporter;
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
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Clients of the request's tenant, in the import file's client shape. A secret is shown once: in the answer
 * to the create that generated it and to a secret rotation; reads never show a secret or its hash.
 */
@Path("admin/clients")
@RolesAllowed(AdminGuard.ADMIN_ROLE)
public final class ClientResource {

    /** The list filter: a display-name prefix. */
    static final String NAME_FILTER = "name";

    private final IdentityEngine engine;
    private final Duration defaultAccessTokenTtl;

    ClientResource(IdentityEngine engine, Duration defaultAccessTokenTtl) {
        this.engine = engine;
        this.defaultAccessTokenTtl = defaultAccessTokenTtl;
    }

    /**
     * Creates a client. A confidential client without {@code secret} gets a generated
     * secret, returned in this response only; {@code "public": true} makes a public client.
     */
    @POST
    public Response create(@Context ContainerRequestContext request, @Context UriInfo uri, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        ClientEntry entry = AdminJson.read(request, body, ClientEntry.class);
        UserResource.requireSameTenant(tenant, entry.tenant());
        if (entry.clientId() == null || entry.clientId().isBlank()) {
            throw AdminErrors.invalid("clientId is required");
        }
        try {
            ClientRegistrationRules.requireNewClientId(entry.clientId());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid(e);
        }
        if (engine.clients().find(tenant.id(), entry.clientId()).isPresent()) {
            throw AdminErrors.conflict("clientId '" + entry.clientId() + "' is taken");
        }
        String generated = Boolean.TRUE.equals(entry.publicClient()) || entry.secret() != null || entry.secretHash() != null
                || SetupImporter.usesPrivateKeyJwt(entry) ? null : ClientSecrets.generate();
        Instant now = engine.clock().instant();
        Client client = build(tenant, entry, credential(entry, generated, Optional.empty()), now, now);
        try {
            engine.clients().create(client);
        } catch (IllegalStateException taken) {
            throw AdminErrors.conflict("clientId '" + entry.clientId() + "' is taken");
        }
        // The id is a template value, not template text: a client id stored before the id alphabet may hold '{'.
        return AdminJson.created(uri.getAbsolutePathBuilder().path("{clientId}").build(client.clientId()),
                ClientEntry.of(client).withSecret(generated));
    }

    /**
     * One page of the tenant's clients ordered by client id; with {@code name}, only those whose display name
     * starts with it, case-insensitively ({@link dev.identityservice.core.client.ClientNames#key}), ordered by
     * name. Other query parameters are a 400.
     */
    @GET
    public Response list(@Context ContainerRequestContext request, @Context UriInfo uri) {
        Tenant tenant = RequestTenant.of(request);
        return AdminJson.ok(Page.load(uri, Set.of(NAME_FILTER), (filters, offset, limit) -> filters.containsKey(NAME_FILTER)
                ? engine.clients().search(tenant.id(), filters.get(NAME_FILTER), offset, limit)
                : engine.clients().list(tenant.id(), offset, limit), ClientEntry::of));
    }

    @GET
    @Path("{clientId}")
    public Response get(@Context ContainerRequestContext request, @PathParam("clientId") String clientId) {
        return AdminJson.ok(ClientEntry.of(find(RequestTenant.of(request), clientId)));
    }

    /**
     * Replaces every setting of a client. The credential stays unless the body gives {@code secret}
     * or {@code "public": true}; a new secret is better made by {@code POST .../secret}.
     */
    @PUT
    @Path("{clientId}")
    public Response replace(@Context ContainerRequestContext request, @PathParam("clientId") String clientId, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        ClientEntry entry = AdminJson.read(request, body, ClientEntry.class);
        UserResource.requireSameTenant(tenant, entry.tenant());
        if (entry.clientId() != null && !entry.clientId().equals(clientId)) {
            throw AdminErrors.invalid("clientId must be absent or '" + clientId + "', the id of this path");
        }
        Client existing = find(tenant, clientId);
        ClientEntry named = entry.clientId() != null ? entry : entry.withClientId(clientId);
        Client client = build(tenant, named, credential(named, null, Optional.of(existing)), existing.createdAt(),
                engine.clock().instant());
        engine.clients().update(client);
        return AdminJson.ok(ClientEntry.of(client));
    }

    @DELETE
    @Path("{clientId}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("clientId") String clientId) {
        Tenant tenant = RequestTenant.of(request);
        if (!engine.clients().delete(tenant.id(), find(tenant, clientId).clientId())) {
            throw AdminErrors.notFound("No client '" + clientId + "'");
        }
        return Response.noContent().build();
    }

    /** Replaces the secret of a confidential client with a generated one, returned in this response only. */
    @POST
    @Path("{clientId}/secret")
    public Response rotateSecret(@Context ContainerRequestContext request, @PathParam("clientId") String clientId) {
        Tenant tenant = RequestTenant.of(request);
        Client existing = find(tenant, clientId);
        if (existing.isPublic()) {
            throw AdminErrors.invalid("Client '" + clientId + "' is public and has no secret");
        }
        String secret = ClientSecrets.generate();
        engine.clients().update(existing.toBuilder().secretHash(ClientSecrets.hash(secret))
                .updatedAt(engine.clock().instant()).build());
        return AdminJson.ok(new ClientSecretView(clientId, secret));
    }

    private Client build(Tenant tenant, ClientEntry entry, String secretHash, Instant createdAt, Instant updatedAt) {
        try {
            Client client = SetupImporter.registrableClient(tenant.id(), entry, defaultAccessTokenTtl, secretHash, createdAt, updatedAt,
                    engine.outbound());
            SetupImporter.requireSignable(tenant.id(), engine.keys().keyRing(tenant.id()).idTokenAlgorithms(), client);
            return client;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw AdminErrors.invalid(e);
        }
    }

    /** The stored credential: public, the given secret (hashed) or hash, a generated secret, or the existing one. */
    private static String credential(ClientEntry entry, String generated, Optional<Client> existing) {
        if (SetupImporter.usesPrivateKeyJwt(entry)) {
            if (entry.secret() != null || entry.secretHash() != null) {
                throw AdminErrors.invalid("tokenEndpointAuthMethod: a private_key_jwt client has no secret");
            }
            return null;
        }
        boolean isPublic = Boolean.TRUE.equals(entry.publicClient());
        int given = (entry.secret() != null ? 1 : 0) + (entry.secretHash() != null ? 1 : 0) + (isPublic ? 1 : 0);
        if (given > 1) {
            throw AdminErrors.invalid("Give one of secret, secretHash or \"public\": true");
        }
        if (isPublic) {
            return null;
        }
        if (entry.secret() != null || generated != null) {
            try {
                return ClientSecrets.hash(entry.secret() != null ? entry.secret() : generated);
            } catch (IllegalArgumentException e) {
                throw AdminErrors.invalid("secret: " + e.getMessage());
            }
        }
        if (entry.secretHash() != null) {
            throw AdminErrors.invalid(SetupImporter.SECRET_HASH_REFUSED);
        }
        String kept = existing.map(Client::secretHash).orElse(null);
        if (kept == null && Boolean.FALSE.equals(entry.publicClient())) {
            throw AdminErrors.invalid("A public client becomes confidential with a secret: give secret");
        }
        return kept;
    }

    private Client find(Tenant tenant, String clientId) {
        return engine.clients().find(tenant.id(), clientId).orElseThrow(() -> AdminErrors.notFound("No client '" + clientId + "'"));
    }
}
