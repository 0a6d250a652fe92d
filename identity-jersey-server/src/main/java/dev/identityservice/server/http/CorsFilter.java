package dev.identityservice.server.http;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.identityservice.core.change.Change;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientRegistrationRules;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.endpoint.EndpointPaths;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CORS (WHATWG Fetch §3.2) for the endpoints a browser app calls with {@code fetch}: token, userinfo, revoke,
 * introspect, JWKS and discovery. Answers preflights itself and adds the headers to actual responses.
 *
 * <p>The rule: JWKS and discovery are public documents, so any origin ({@code *}). The other endpoints echo the
 * request's {@code Origin} only when some client of the request's tenant lists it in {@code allowedOrigins}.
 * Per tenant rather than per client because userinfo names no client and the token endpoint's client is in a
 * body the filter should not read; it is still safe, since CORS only decides whether a page may read the
 * answer, and every one of these endpoints authenticates the client or the token itself. No cookies are ever
 * involved, so {@code Access-Control-Allow-Credentials} is never sent. A tenant's origins are cached for
 * {@value #ORIGINS_CACHE_SECONDS} seconds, so a newly registered origin works within that time.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 50)
public final class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    public static final int ORIGINS_CACHE_SECONDS = 30;
    /** How long a browser may cache a preflight answer: 10 minutes (Chrome caps at 2 hours). */
    public static final int PREFLIGHT_MAX_AGE_SECONDS = 600;
    private static final int PAGE_SIZE = 500;
    private static final Set<String> PUBLIC = Set.of(EndpointPaths.JWKS, EndpointPaths.OPENID_CONFIGURATION,
            EndpointPaths.OAUTH_AUTHORIZATION_SERVER);
    private static final Map<String, String> METHODS = Map.of(
            EndpointPaths.TOKEN, "POST",
            EndpointPaths.REVOKE, "POST",
            EndpointPaths.INTROSPECT, "POST",
            EndpointPaths.USERINFO, "GET, POST",
            EndpointPaths.JWKS, "GET",
            EndpointPaths.OPENID_CONFIGURATION, "GET",
            EndpointPaths.OAUTH_AUTHORIZATION_SERVER, "GET");

    private final LoadingCache<String, Set<String>> origins;

    public CorsFilter(ClientStore clients) {
        this.origins = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(Duration.ofSeconds(ORIGINS_CACHE_SECONDS))
                .build(tenantId -> allowedOrigins(clients, tenantId));
    }

    /**
     * Forgets a tenant's allowed origins when one of its clients changed, here or on another instance, so a
     * removed origin is refused at once rather than after {@value #ORIGINS_CACHE_SECONDS} s.
     */
    public void changed(Change change) {
        if (change.kind() == Change.Kind.CLIENTS) {
            origins.invalidate(change.tenantId());
        } else if (change.kind() == Change.Kind.EVERYTHING) {
            origins.invalidateAll();
        }
    }

    /** Answers a preflight (an OPTIONS with {@code Access-Control-Request-Method}) before routing. */
    @Override
    public void filter(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if (!"OPTIONS".equals(request.getMethod()) || origin == null
                || request.getHeaderString("Access-Control-Request-Method") == null) {
            return;
        }
        String path = path(request);
        String methods = METHODS.get(path);
        if (methods == null || request.getProperty(RequestTenant.PROPERTY) == null) {
            return;
        }
        Response.ResponseBuilder preflight = Response.noContent();
        if (!PUBLIC.contains(path)) {
            preflight.header("Vary", "Origin");
        }
        String allowed = allowedOrigin(request, path, origin);
        if (allowed != null) {
            preflight.header("Access-Control-Allow-Origin", allowed)
                    .header("Access-Control-Allow-Methods", methods)
                    .header("Access-Control-Allow-Headers", "Authorization, Content-Type")
                    .header("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
        }
        request.abortWith(preflight.build());
    }

    /** Adds {@code Access-Control-Allow-Origin} (and {@code Vary: Origin}) to actual responses. */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = path(request);
        if (!METHODS.containsKey(path) || "OPTIONS".equals(request.getMethod())) {
            return;
        }
        MultivaluedMap<String, Object> headers = response.getHeaders();
        if (!PUBLIC.contains(path)) {
            // The answer depends on Origin, so shared caches must key on it.
            headers.add("Vary", "Origin");
        }
        String origin = request.getHeaderString("Origin");
        if (origin == null || request.getProperty(RequestTenant.PROPERTY) == null) {
            return;
        }
        String allowed = allowedOrigin(request, path, origin);
        if (allowed != null) {
            headers.putSingle("Access-Control-Allow-Origin", allowed);
            // A browser app needs to read the Bearer challenge of a refused userinfo call.
            headers.putSingle("Access-Control-Expose-Headers", "WWW-Authenticate");
        }
    }

    private String allowedOrigin(ContainerRequestContext request, String path, String origin) {
        if (PUBLIC.contains(path)) {
            return "*";
        }
        Tenant tenant = RequestTenant.of(request);
        return origins.get(tenant.id()).contains(origin) ? origin : null;
    }

    private static String path(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(false);
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static Set<String> allowedOrigins(ClientStore clients, String tenantId) {
        Set<String> all = new HashSet<>();
        for (int offset = 0; ; offset += PAGE_SIZE) {
            List<Client> page = clients.list(tenantId, offset, PAGE_SIZE);
            // A row from before the registration rules may hold "null" or a wildcard: never honoured.
            page.forEach(c -> c.allowedOrigins().stream().filter(ClientRegistrationRules::isRegistrableOrigin).forEach(all::add));
            if (page.size() < PAGE_SIZE) {
                return Set.copyOf(all);
            }
        }
    }
}
