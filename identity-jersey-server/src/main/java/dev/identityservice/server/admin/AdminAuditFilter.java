package dev.identityservice.server.admin;

import dev.identityservice.guard.jaxrs.TokenSecurityContext;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.http.RequestTenant;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.slf4j.event.Level;

/**
 * Records every change attempted through the management API as one audit event, in one place for every admin
 * resource (present and future): who (the admin token's subject, and its client), what
 * ({@code admin.<resource>.<method>}, e.g. {@code admin.user.disable}, {@code admin.user.set-password},
 * {@code admin.key.rotate-and-revoke}, {@code admin.client.rotate-secret}), on whom (the id in the path, or for a
 * create the id of the new entity from {@code Location}), from where (the client address) and the outcome
 * ({@code success}, or {@code failure} with the status). Reads ({@code GET}) are not recorded; a caller without
 * a valid token (401) names no one and is not recorded either, but one with a token and no admin role (403) is.
 */
final class AdminAuditFilter implements ContainerResponseFilter {

    private static final Set<String> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final AuditLog audit;

    @Context
    private ResourceInfo resourceInfo;

    @Context
    private HttpServletRequest servletRequest;

    AdminAuditFilter(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (READS.contains(request.getMethod()) || !AdminGuard.isAdminPath(request)
                || !(request.getSecurityContext() instanceof TokenSecurityContext authenticated)) {
            return;
        }
        Method method = resourceInfo == null ? null : resourceInfo.getResourceMethod();
        if (method == null) {
            return;
        }
        int status = response.getStatus();
        boolean success = status < 400;
        audit.record(success ? Level.INFO : Level.WARN, RequestTenant.of(request).id(),
                AuditLog.ADMIN_PREFIX + action(resourceInfo.getResourceClass(), method),
                authenticated.token().subject(), subject(request, response), emptyToNull(authenticated.token().clientId()),
                servletRequest == null ? null : servletRequest.getRemoteAddr(), success ? "success" : "failure",
                request.getMethod() + " " + request.getUriInfo().getPath(false) + (success ? "" : " status=" + status));
    }

    /** {@code user.disable} for {@code UserResource.disable}, {@code user.set-password} for {@code setPassword}. */
    static String action(Class<?> resource, Method method) {
        String name = resource.getSimpleName().replaceFirst("Resource$", "");
        return kebab(name) + "." + kebab(method.getName());
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The entity acted on: the path's id, or the last segment of a created entity's {@code Location}. */
    private static String subject(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, String> parameters = request.getUriInfo().getPathParameters();
        for (String name : parameters.keySet()) {
            String value = parameters.getFirst(name);
            if (value != null) {
                return value;
            }
        }
        URI location = response.getLocation();
        if (location != null && location.getPath() != null) {
            String path = location.getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }
        return null;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
