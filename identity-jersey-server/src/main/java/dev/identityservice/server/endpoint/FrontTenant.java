package dev.identityservice.server.endpoint;

import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.TenantResolver;
import dev.identityservice.server.observability.RequestMetricsFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The tenant of a request that a handler or servlet filter in front of Jersey ({@link JwksHandler},
 * {@link UserInfoFilter}) may answer: only a path that names one endpoint exactly, as {@link TenantResolver} would
 * route it, and only a known tenant. Whatever this does not resolve goes on to Jersey with the lookup already made, as a
 * {@link TenantResolver.Lookup} request attribute, so that Jersey neither queries the database for it again nor
 * waits a second connection timeout when the database is away.
 */
final class FrontTenant {

    private static final String TENANT_PREFIX = "/" + TenantResolver.TENANT_PATH_PREFIX;

    private final Function<String, Optional<Tenant>> tenants;

    /** @param tenants the tenants by id, as {@link TenantResolver} finds them (the engine's look-up) */
    FrontTenant(Function<String, Optional<Tenant>> tenants) {
        this.tenants = Objects.requireNonNull(tenants, "tenants");
    }

    /**
     * The known tenant whose {@code endpoint} the request's path names exactly, or {@code null} for Jersey to answer
     * (another path, an unknown tenant, a failed look-up; the last two noted on the request for Jersey).
     *
     * @param rawPath    the request's path as received (still encoded), without the query
     * @param attributes sets an attribute of the request, which Jersey reads back as a property
     * @param endpoint   the endpoint's path without the leading slash, e.g. {@link EndpointPaths#USERINFO}
     */
    Tenant of(String rawPath, BiConsumer<String, Object> attributes, String endpoint) {
        String tenantId = tenantId(rawPath, "/" + endpoint);
        if (tenantId == null) {
            return null;
        }
        Optional<Tenant> tenant;
        long start = System.nanoTime();
        try {
            tenant = tenants.apply(tenantId);
        } catch (RuntimeException failed) {
            // The look-up needed the database (an unknown tenant is looked up every time) and failed: Jersey's
            // TenantResolver rethrows it, and its exception mappers answer as before (503 with Retry-After), timed
            // from before the look-up's wait for a connection.
            attributes.accept(TenantResolver.LOOKUP, new TenantResolver.Lookup(tenantId, Optional.empty(), failed));
            RequestMetricsFilter.workedBefore(attributes, System.nanoTime() - start);
            return null;
        }
        if (tenant.isEmpty()) {
            // Jersey's 404: TenantResolver takes this answer rather than query the database a second time.
            attributes.accept(TenantResolver.LOOKUP, new TenantResolver.Lookup(tenantId, Optional.empty(), null));
            return null;
        }
        return tenant.get();
    }

    /**
     * The value of {@code name} when the request has exactly one such header, else {@code null}: Jersey joins
     * repeated headers with a comma, which the endpoints refuse or read otherwise, so a filter leaves those to it.
     */
    static String onlyHeader(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String value = values.nextElement();
        return values.hasMoreElements() ? null : value;
    }

    /**
     * The tenant whose {@code path} (with its leading slash) {@code uri} (raw, without the query) names exactly, or
     * {@code null}: the default tenant for {@code path} itself, {@code x} for {@code /t/x} + {@code path} with a
     * well-formed id. Encoded, dotted or doubled segments are not exact: Jersey resolves those.
     */
    static String tenantId(String uri, String path) {
        if (path.equals(uri)) {
            return Tenant.DEFAULT_ID;
        }
        if (uri == null || !uri.startsWith(TENANT_PREFIX) || !uri.endsWith(path) || uri.length() <= TENANT_PREFIX.length() + path.length()) {
            return null;
        }
        String id = uri.substring(TENANT_PREFIX.length(), uri.length() - path.length());
        return TenantResolver.isTenantId(id) ? id : null;
    }
}
