package dev.identityservice.server.endpoint;

import dev.identityservice.core.Sha256;
import dev.identityservice.core.key.KeyRing;
import dev.identityservice.core.key.KeyRotator;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant's JWK Set (RFC 7517 §5) at its {@code jwks_uri}: precomputed bytes with a strong ETag and
 * {@code Cache-Control: public, max-age=300}. The bytes are renewed when the tenant's {@link KeyRing}
 * instance changes (the rotator swaps in a new one on every key change), checked by identity: no lock,
 * no hashing, no I/O on the hot path.
 */
@Path(EndpointPaths.JWKS)
public final class JwksEndpoint {

    /**
     * How long a guard may cache the set: 5 minutes. Safe because a new key is published as NEXT at least
     * one rotation period before it signs.
     */
    public static final int MAX_AGE_SECONDS = 300;
    static final String JWK_SET_TYPE = "application/jwk-set+json";

    private final KeyRotator keys;
    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    public JwksEndpoint(KeyRotator keys) {
        this.keys = keys;
    }

    @GET
    public Response jwks(@Context ContainerRequestContext request) {
        Rendered current = current(RequestTenant.of(request).id());
        List<String> ifNoneMatch = request.getHeaders().get(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && current.matchedBy(ifNoneMatch)) {
            return Response.notModified(current.etag).cacheControl(Json.publicFor(MAX_AGE_SECONDS)).build();
        }
        return Response.ok(current.json, JWK_SET_TYPE)
                .tag(current.etag)
                .cacheControl(Json.publicFor(MAX_AGE_SECONDS))
                .build();
    }

    /** The set of tenant {@code tenantId} as served now, rendered again when its key ring changed. */
    Rendered current(String tenantId) {
        KeyRing ring = keys.keyRing(tenantId);
        Rendered current = rendered.get(tenantId);
        if (current == null || current.ring != ring) {
            current = Rendered.of(ring);
            rendered.put(tenantId, current);
        }
        return current;
    }

    /**
     * A key set's bytes and entity tag.
     *
     * @param etagHeader the {@code ETag} header's value, {@code etag} as Jersey writes it (quoted)
     */
    record Rendered(KeyRing ring, byte[] json, EntityTag etag, String etagHeader) {
        static Rendered of(KeyRing ring) {
            byte[] json = ring.jwksJson();
            String tag = Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.digest(json)).substring(0, 22);
            EntityTag etag = new EntityTag(tag);
            return new Rendered(ring, json, etag, etag.toString());
        }

        /**
         * Whether an {@code If-None-Match} field (RFC 9110 §13.1.2), given as its lines, is false for this set, so that a
         * {@code GET} is answered 304: {@code *}, or a member equal to this set's tag by the weak comparison
         * (§8.8.3.2: {@code W/} ignored, the quoted tags equal). Members are split at commas; a tag of ours has none.
         */
        boolean matchedBy(Iterable<String> ifNoneMatch) {
            for (String line : ifNoneMatch) {
                for (String member : line.split(",")) {
                    String tag = member.strip();
                    if (tag.startsWith("W/")) {
                        tag = tag.substring(2);
                    }
                    if (tag.equals("*") || tag.equals(etagHeader)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

}
