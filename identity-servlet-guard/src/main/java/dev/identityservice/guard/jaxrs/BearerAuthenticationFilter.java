package dev.identityservice.guard.jaxrs;

import dev.identityservice.guard.BearerHeader;
import dev.identityservice.guard.ThrottledWarning;
import dev.identityservice.guard.TokenVerifier;
import dev.identityservice.guard.VerifiedToken;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.function.Predicate;

/**
 * Authenticates every request that carries a bearer token (RFC 6750 §2.1) and installs a {@link
 * TokenSecurityContext}. A request without a token stays anonymous, for {@code @PermitAll}
 * resources; a bad token is refused here with 401 whatever the resource, and a malformed header
 * with 400. Without a verifier it sits behind {@code servlet.BearerTokenFilter} and only adopts the
 * token that filter verified.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
final class BearerAuthenticationFilter implements ContainerRequestFilter {

    private static final System.Logger LOG = System.getLogger(BearerAuthenticationFilter.class.getName());
    private static final ThrottledWarning UNAVAILABLE = new ThrottledWarning(LOG);

    private final TokenVerifier verifier;
    private final String realm;
    private final Predicate<ContainerRequestContext> scope;

    /**
     * @param verifier null to adopt the servlet filter's token instead of verifying
     * @param scope    the requests this filter authenticates; it leaves the others alone
     */
    BearerAuthenticationFilter(TokenVerifier verifier, String realm, Predicate<ContainerRequestContext> scope) {
        this.verifier = verifier;
        this.realm = realm;
        this.scope = scope;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!scope.test(request)) {
            return;
        }
        if (verifier == null) {
            adoptFilterToken(request);
            return;
        }
        List<String> headers = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        try {
            String raw = BearerHeader.extract(headers == null ? null : headers.iterator(),
                    request.getUriInfo().getRequestUri().getRawQuery());
            if (raw == null) {
                return;
            }
            request.setSecurityContext(new TokenSecurityContext(verifier.verify(raw), isSecure(request)));
        } catch (InvalidTokenException e) {
            request.abortWith(GuardResponses.rejected(realm, e.error()));
        } catch (VerificationUnavailableException e) {
            UNAVAILABLE.warn("cannot verify tokens: " + e.getMessage());
            request.abortWith(GuardResponses.unavailable(e));
        }
    }

    private static void adoptFilterToken(ContainerRequestContext request) {
        if (request.getProperty(VerifiedToken.REQUEST_ATTRIBUTE) instanceof VerifiedToken token) {
            request.setSecurityContext(new TokenSecurityContext(token, isSecure(request)));
        }
    }

    private static boolean isSecure(ContainerRequestContext request) {
        return request.getSecurityContext() != null && request.getSecurityContext().isSecure();
    }
}
