package dev.identityservice.server.endpoint;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.http.RequestTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Optional;

/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2), GET and POST, {@code response_type=code}, and
 * where the tenant enables them the implicit and hybrid flows' response types (OIDC Core §3.2, §3.3; off by
 * default, RFC 9700 §2.1.2): validates the request, then issues at once when the browser has a login session that
 * satisfies {@code prompt} and {@code max_age}, otherwise shows the login page (or, with
 * {@code prompt=none}, redirects with {@code login_required}, OIDC Core §3.1.2.6). An {@code id_token_hint}
 * naming another user than the session's counts as no session: {@code login_required} under {@code prompt=none},
 * a fresh login otherwise; a hint that is not our ID token for this client is {@code invalid_request}.
 */
@Path(EndpointPaths.AUTHORIZE)
public final class AuthorizeEndpoint {

    private final AuthorizationFlow flow;

    public AuthorizeEndpoint(AuthorizationFlow flow) {
        this.flow = flow;
    }

    @GET
    public Response get(@Context ContainerRequestContext request) {
        return authorize(request, null);
    }

    @POST
    public Response post(@Context ContainerRequestContext request, InputStream body) {
        return authorize(request, body);
    }

    private Response authorize(ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        AuthorizationRequest authorization;
        try {
            authorization = AuthorizationRequest.parse(tenant, flow.engine(), AuthorizationFlow.parameters(request, body, AuthorizationRequest.DEFINED),
                    true);
        } catch (AuthorizationFailure failure) {
            return flow.failure(tenant, failure);
        } catch (OAuthException malformed) {
            // A repeated parameter or a broken encoding: not even client_id can be trusted.
            return AuthorizationFlow.errorPage(malformed.error().description());
        }
        try {
            Optional<String> hinted = flow.hintedSubject(tenant, authorization);
            // A session of someone else than the hint names is no session for this request (OIDC Core §3.1.2.1).
            Optional<AuthorizationFlow.SessionUser> session = flow.session(request, tenant)
                    .filter(s -> hinted.isEmpty() || hinted.get().equals(s.user().id()));
            if (session.isPresent() && flow.satisfies(session.get(), authorization)) {
                return flow.issue(tenant, authorization, session.get());
            }
            if (authorization.promptNone()) {
                throw authorization.failure(new OAuthError("login_required", "The user is not signed in", 400));
            }
        } catch (AuthorizationFailure failure) {
            return flow.failure(tenant, failure);
        } catch (OAuthException e) {
            return flow.failure(tenant, authorization.failure(e.error()));
        }
        return flow.loginPage(request, tenant, authorization, 200, null, null);
    }
}
