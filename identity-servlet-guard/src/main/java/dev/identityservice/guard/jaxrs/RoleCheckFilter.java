package dev.identityservice.guard.jaxrs;

import dev.identityservice.guard.error.BearerError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Enforces one resource method's {@code @RolesAllowed} or {@code @DenyAll}: 401 with a bare
 * challenge when nobody is authenticated (authenticating may help), 403 {@code insufficient_scope}
 * when the caller is authenticated but lacks every allowed role (it will not).
 */
@Priority(Priorities.AUTHORIZATION)
final class RoleCheckFilter implements ContainerRequestFilter {

    private final String[] anyOfRoles;
    private final String realm;

    /** @param anyOfRoles the allowed roles; empty for {@code @DenyAll} */
    RoleCheckFilter(String[] anyOfRoles, String realm) {
        this.anyOfRoles = anyOfRoles.clone();
        this.realm = realm;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        check(anyOfRoles, realm, request);
    }

    /**
     * Aborts {@code request} unless its caller holds one of {@code anyOfRoles}.
     *
     * @return whether the request may go on (false: it has been aborted)
     */
    static boolean check(String[] anyOfRoles, String realm, ContainerRequestContext request) {
        SecurityContext security = request.getSecurityContext();
        if (security == null || security.getUserPrincipal() == null) {
            request.abortWith(GuardResponses.unauthenticated(realm));
            return false;
        }
        for (String role : anyOfRoles) {
            if (security.isUserInRole(role)) {
                return true;
            }
        }
        request.abortWith(GuardResponses.rejected(realm, BearerError.insufficientScope(
                anyOfRoles.length == 0 ? "access denied" : "the token lacks a required role",
                String.join(" ", anyOfRoles))));
        return false;
    }
}
