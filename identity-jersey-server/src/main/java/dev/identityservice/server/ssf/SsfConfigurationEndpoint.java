package dev.identityservice.server.ssf;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.endpoint.EndpointPaths;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transmitter configuration metadata (OpenID Shared Signals Framework 1.0 §7.1) of the request's tenant, at
 * {@code {issuer}/.well-known/ssf-configuration} (and, for a tenant with a path, at the RFC 8414 §3.1 form
 * {@code /.well-known/ssf-configuration/t/{tenant}}): precomputed bytes per issuer, public and cacheable.
 */
@Path(EndpointPaths.SSF_CONFIGURATION)
public final class SsfConfigurationEndpoint {

    /** How long receivers may cache the document: 5 minutes, like discovery. */
    public static final int MAX_AGE_SECONDS = 300;
    /** RFC 8936's URN: the only delivery method served. */
    public static final String POLL_DELIVERY = "urn:ietf:rfc:8936";

    private final Map<Tenant, byte[]> rendered = new ConcurrentHashMap<>();

    @GET
    public Response get(@Context ContainerRequestContext request) {
        Tenant tenant = RequestTenant.of(request);
        byte[] json = rendered.computeIfAbsent(tenant, SsfConfigurationEndpoint::render);
        if (rendered.size() > 1_000) {
            rendered.clear(); // tenants whose settings changed leave old entries; a bound keeps them few
        }
        return Response.ok(json, MediaType.APPLICATION_JSON_TYPE).cacheControl(Json.publicFor(MAX_AGE_SECONDS)).build();
    }

    static byte[] render(Tenant tenant) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("spec_version", "1_0");
        document.put("issuer", tenant.issuer().toString());
        document.put("jwks_uri", EndpointPaths.url(tenant.issuer(), EndpointPaths.JWKS));
        document.put("delivery_methods_supported", List.of(POLL_DELIVERY));
        document.put("configuration_endpoint", EndpointPaths.url(tenant.issuer(), EndpointPaths.SSF_STREAMS));
        document.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
        document.put("default_subjects", "ALL");
        return Json.bytes(document);
    }
}
