package dev.identityservice.server.http;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves the tenant of each request once, before routing: {@code /t/{tenant}/rest} is tenant
 * {@code tenant} and routes as {@code /rest}; any other path is the default tenant. An unknown tenant is
 * 404 JSON. Endpoints therefore exist once and read the tenant through {@link RequestTenant}. Metadata asked
 * for in RFC 8414 §3.1's form ({@code /.well-known/oauth-authorization-server/t/x}) is routed to its tenant too.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class TenantResolver implements ContainerRequestFilter {

    /** The path prefix of a tenant's endpoints: {@code /t/{tenant}}. */
    public static final String TENANT_PATH_PREFIX = "t/";
    /**
     * A request attribute: the {@link Lookup} of this request's tenant that a handler or servlet filter in front of
     * Jersey ({@code JwksHandler}, {@code UserInfoFilter}) already made and did not serve; used here instead of looking
     * the tenant up again (an unknown tenant is a database query each time, and a failed one would wait a second
     * connection timeout).
     */
    public static final String LOOKUP = TenantResolver.class.getName() + ".lookup";

    /**
     * The outcome of looking tenant {@code tenantId} up: the tenant, none, or the failure to rethrow.
     *
     * @param failure the lookup's exception, or {@code null} when it answered {@code tenant}
     */
    public record Lookup(String tenantId, Optional<Tenant> tenant, RuntimeException failure) {
    }

    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String WELL_KNOWN = ".well-known/";
    /** The metadata documents served also at RFC 8414 §3.1's inserted form. */
    private static final List<String> INSERTABLE = List.of(".well-known/oauth-authorization-server/", ".well-known/openid-configuration/",
            ".well-known/ssf-configuration/");

    private final IdentityEngine engine;

    public TenantResolver(IdentityEngine engine) {
        this.engine = engine;
    }

    /**
     * The issuer a tenant has unless it is given another: the default tenant's issuer followed by
     * {@code /t/{tenantId}}, where {@link TenantResolver} serves it. The one place that derives it, for tenants
     * created through the API, created by an import file, and left out of an export because they are derived.
     *
     * @param rootIssuer the default tenant's issuer, without a trailing slash
     */
    public static URI derivedIssuer(URI rootIssuer, String tenantId) {
        return URI.create(rootIssuer + "/" + TENANT_PATH_PREFIX + tenantId);
    }

    /** Whether {@code id} is a well-formed tenant id, one this filter looks up (others are unknown tenants). */
    public static boolean isTenantId(String id) {
        return TENANT_ID.matcher(id).matches();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        URI base = request.getUriInfo().getBaseUri();
        String path = request.getUriInfo().getPath(false);
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        Optional<Tenant> inserted = wellKnownWithInsertedPath(path, request.getUriInfo().getRequestUri());
        if (inserted.isPresent()) {
            // Served as the tenant's own well-known document, at its issuer + the well-known segment.
            Tenant tenant = inserted.get();
            String wellKnown = path.substring(0, path.indexOf('/', WELL_KNOWN.length()));
            URI tenantBase = Tenant.DEFAULT_ID.equals(tenant.id()) ? base : base.resolve(TENANT_PATH_PREFIX + tenant.id() + "/");
            request.setRequestUri(tenantBase, URI.create(tenantBase + wellKnown));
            request.setProperty(RequestTenant.PROPERTY, tenant);
            return;
        }
        String tenantId = Tenant.DEFAULT_ID;
        if (path.startsWith(TENANT_PATH_PREFIX)) {
            int slash = path.indexOf('/', TENANT_PATH_PREFIX.length());
            tenantId = slash < 0 ? path.substring(TENANT_PATH_PREFIX.length()) : path.substring(TENANT_PATH_PREFIX.length(), slash);
            String rest = slash < 0 ? "" : path.substring(slash + 1);
            URI tenantBase = base.resolve(TENANT_PATH_PREFIX + tenantId + "/");
            URI requestUri = request.getUriInfo().getRequestUri();
            String query = requestUri.getRawQuery();
            request.setRequestUri(tenantBase, URI.create(tenantBase + rest + (query == null ? "" : "?" + query)));
        }
        Optional<Tenant> tenant;
        if (request.getProperty(LOOKUP) instanceof Lookup done && done.tenantId().equals(tenantId)) {
            if (done.failure() != null) {
                throw done.failure();
            }
            tenant = done.tenant();
        } else {
            tenant = TENANT_ID.matcher(tenantId).matches() ? engine.tenant(tenantId) : Optional.empty();
        }
        if (tenant.isEmpty()) {
            request.abortWith(ErrorResponses.of(new OAuthError("not_found", "Unknown tenant", 404)));
            return;
        }
        request.setProperty(RequestTenant.PROPERTY, tenant.get());
    }

    /**
     * RFC 8414 §3.1: the metadata of an issuer with a path, e.g. {@code https://host/t/x}, is at
     * {@code https://host/.well-known/oauth-authorization-server/t/x}, the well-known segment inserted between
     * host and path. The tenant is the one whose issuer has exactly that path; should two tenants on different
     * hosts share it, the one whose issuer names the request's host and port. The OpenID Connect document is
     * served the same way, which clients that follow RFC 8414 §5 also try.
     */
    private Optional<Tenant> wellKnownWithInsertedPath(String path, URI requestUri) {
        String document = INSERTABLE.stream().filter(path::startsWith).findFirst().orElse(null);
        if (document == null || path.length() == document.length()) {
            return Optional.empty();
        }
        String issuerPath = "/" + path.substring(document.length());
        List<Tenant> candidates = new ArrayList<>(engine.tenants());
        if (issuerPath.startsWith("/" + TENANT_PATH_PREFIX)) {
            // Not yet in this instance's list when another instance created it a moment ago.
            String id = issuerPath.substring(TENANT_PATH_PREFIX.length() + 1);
            if (TENANT_ID.matcher(id).matches()) {
                engine.tenant(id).filter(t -> !candidates.contains(t)).ifPresent(candidates::add);
            }
        }
        List<Tenant> matching = candidates.stream().filter(t -> issuerPath.equals(t.issuer().getRawPath())).toList();
        if (matching.size() <= 1) {
            return matching.stream().findFirst();
        }
        return matching.stream().filter(t -> Objects.equals(t.issuer().getRawAuthority(), requestUri.getRawAuthority())).findFirst();
    }
}
