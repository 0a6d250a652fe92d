package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.identityservice.core.key.KeyRingProvider;
import dev.identityservice.core.key.SigningAlgorithm;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provider metadata (OpenID Connect Discovery 1.0 §4, RFC 8414 §3) as precomputed bytes per tenant,
 * recomputed only when the tenant's settings or the algorithms its keys can sign ID tokens with change.
 */
@Path("")
public final class DiscoveryEndpoint {

    /** How long clients may cache the document: 5 minutes, like the JWKS. */
    public static final int MAX_AGE_SECONDS = 300;

    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();
    private final KeyRingProvider keys;
    private final boolean parRequired;

    public DiscoveryEndpoint(KeyRingProvider keys) {
        this(keys, false);
    }

    /** @param parRequired whether every client must push its authorization requests (RFC 9126 §5) */
    public DiscoveryEndpoint(KeyRingProvider keys, boolean parRequired) {
        this.keys = keys;
        this.parRequired = parRequired;
    }

    @GET
    @Path(EndpointPaths.OPENID_CONFIGURATION)
    public Response openIdConfiguration(@Context ContainerRequestContext request) {
        return document(RequestTenant.of(request));
    }

    @GET
    @Path(EndpointPaths.OAUTH_AUTHORIZATION_SERVER)
    public Response authorizationServerMetadata(@Context ContainerRequestContext request) {
        return document(RequestTenant.of(request));
    }

    private Response document(Tenant tenant) {
        Rendered current = rendered.get(tenant.id());
        Set<SigningAlgorithm> algorithms = keys.keyRing(tenant.id()).idTokenAlgorithms();
        if (current == null || !current.tenant.equals(tenant) || !current.algorithms.equals(algorithms)) {
            current = new Rendered(tenant, algorithms, Json.bytes(DiscoveryDocument.of(tenant, algorithms, parRequired)));
            rendered.put(tenant.id(), current);
        }
        return Response.ok(current.json, MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(Json.publicFor(MAX_AGE_SECONDS))
                .build();
    }

    private record Rendered(Tenant tenant, Set<SigningAlgorithm> algorithms, byte[] json) {
    }
}
