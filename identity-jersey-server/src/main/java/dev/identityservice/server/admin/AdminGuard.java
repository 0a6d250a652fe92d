package dev.identityservice.server.admin;

import dev.identityservice.guard.error.BearerChallenge;
import dev.identityservice.guard.error.BearerError;
import dev.identityservice.guard.jaxrs.GuardFeature;
import dev.identityservice.guard.jaxrs.TokenSecurityContext;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.RequestTenant;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guard of the management API: the guard's own {@link GuardFeature} (bearer authentication, and
 * {@code @RolesAllowed} with 401 for nobody and 403 {@code insufficient_scope} for a caller without the role),
 * confined to admin paths and {@code /metrics}. Other endpoints, such as UserInfo, read their bearer tokens themselves and must
 * never meet the admin audience rule, so the feature is scoped to admin paths ({@link GuardFeature#onlyFor}).
 *
 * <p>Rules: the token's {@code iss} must be the issuer of the tenant whose admin path is called, or the default
 * tenant's, whose administrators manage every tenant (a token of tenant A never administers tenant B: 401
 * {@code invalid_token}), its {@code aud} must contain one of the configured admin audiences, and its
 * {@code roles} claim must contain {@value #ADMIN_ROLE}.
 */
public final class AdminGuard implements Feature {

    /** The role every admin method requires. */
    public static final String ADMIN_ROLE = "admin";
    /** Where the guard reads roles: the engine's {@code roles} claim (RFC 9068 §7.2.1.1). */
    public static final String ROLES_CLAIM = "roles";
    /** The {@code realm} of the admin API's {@code WWW-Authenticate} challenges. */
    public static final String REALM = "identity-admin";

    private final TenantGuards verifier;

    AdminGuard(TenantGuards verifier) {
        this.verifier = verifier;
    }

    @Override
    public boolean configure(FeatureContext context) {
        new GuardFeature(verifier, REALM).onlyFor(AdminGuard::isAdminPath).configure(context);
        context.register(new TenantIssuerCheck(verifier));
        context.register(new JsonChallengeBody());
        return true;
    }

    /**
     * Whether a request (after tenant resolution) is for {@code admin} or below, or for {@code metrics}, which
     * the same admins may read ({@code MetricsEndpoint}).
     */
    static boolean isAdminPath(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(false);
        int start = path.startsWith("/") ? 1 : 0;
        return isSegment(path, start, "admin") || isSegment(path, start, "metrics");
    }

    private static boolean isSegment(String path, int start, String segment) {
        int end = start + segment.length();
        return path.startsWith(segment, start) && (path.length() == end || path.charAt(end) == '/');
    }

    /**
     * Refuses a token of another tenant: it runs right after the guard's authentication, which itself runs
     * after the {@code TenantResolver} (lower priority), and compares the verified {@code iss} with the issuer
     * of the tenant being administered (or the default tenant's, see {@link TenantGuards#administers}).
     */
    @PreMatching
    @Priority(Priorities.AUTHENTICATION + 1)
    static final class TenantIssuerCheck implements ContainerRequestFilter {

        private final TenantGuards guards;

        TenantIssuerCheck(TenantGuards guards) {
            this.guards = guards;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (isAdminPath(request) && request.getSecurityContext() instanceof TokenSecurityContext authenticated
                    && !guards.administers(authenticated.token().issuer(), RequestTenant.of(request))) {
                request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                        .header(HttpHeaders.WWW_AUTHENTICATE, BearerChallenge.forError(REALM,
                                BearerError.invalidToken("the token was issued for another tenant")))
                        .build());
            }
        }
    }

    /**
     * Gives the guard's body-less 401, 403 and 503 answers on admin paths the server's error JSON, taking code
     * and description from the challenge, so every admin error has one shape.
     */
    static final class JsonChallengeBody implements ContainerResponseFilter {

        private static final Pattern PARAM = Pattern.compile("(error|error_description)=\"([^\"]*)\"");

        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            int status = response.getStatus();
            String challenge = response.getHeaderString(HttpHeaders.WWW_AUTHENTICATE);
            boolean guardAnswer = status == 401 || status == 403 || status == 503 || (status == 400 && challenge != null);
            if (response.hasEntity() || !guardAnswer || !isAdminPath(request)) {
                return;
            }
            String code = switch (status) {
                case 400 -> "invalid_request";
                case 403 -> "insufficient_scope";
                case 503 -> "temporarily_unavailable";
                default -> "invalid_token";
            };
            String description = status == 503 ? "Token verification is unavailable" : "A valid admin bearer token is required";
            if (challenge != null) {
                Matcher m = PARAM.matcher(challenge);
                while (m.find()) {
                    if ("error".equals(m.group(1))) {
                        code = m.group(2);
                    } else {
                        description = m.group(2);
                    }
                }
            }
            response.setEntity(ErrorResponses.body(code, description), null, MediaType.APPLICATION_JSON_TYPE);
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE);
        }
    }
}
