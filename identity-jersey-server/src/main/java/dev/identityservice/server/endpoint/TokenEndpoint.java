package dev.identityservice.server.endpoint;

import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.grant.TokenGrants;
import dev.identityservice.core.grant.TokenRequest;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.user.UserAuthenticator;
import dev.identityservice.server.audit.AuditLog;
import dev.identityservice.server.error.ChallengeException;
import dev.identityservice.server.http.ClientAuthentication;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.http.Json;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.login.LoginAudit;
import dev.identityservice.server.login.LoginThrottle;
import dev.identityservice.server.observability.ServerMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The token endpoint (RFC 6749 §3.2): authenticates the client, hands the grant to the engine and writes
 * the §5.1 response. Password logins are refused at once while password hashing is at capacity, then pass the
 * {@link LoginThrottle}.
 */
@Path(EndpointPaths.TOKEN)
public final class TokenEndpoint {

    /**
     * The parameters RFC 6749 §4 and RFC 7636 §4.5 define for this endpoint: none may repeat (§3.2); any
     * other, e.g. RFC 8707 §2 {@code resource}, which may repeat, is passed on and ignored by the grants.
     */
    static final Set<String> DEFINED = Set.of("grant_type", "client_id", "client_secret", "scope", "code", "redirect_uri",
            "code_verifier", "refresh_token", "username", "password");

    private final TokenGrants grants;
    private final UserAuthenticator users;
    private final ClientAuthentication clients;
    private final LoginThrottle throttle;
    private final ServerMetrics metrics;
    private final AuditLog audit;

    /**
     * @param users the engine's password check, asked for hashing capacity before a password grant is throttled
     */
    public TokenEndpoint(TokenGrants grants, UserAuthenticator users, ClientAuthentication clients, LoginThrottle throttle,
                         ServerMetrics metrics, AuditLog audit) {
        this.grants = grants;
        this.users = users;
        this.clients = clients;
        this.throttle = throttle;
        this.metrics = metrics;
        this.audit = audit;
    }

    @POST
    public Response token(@Context ContainerRequestContext request, @Context HttpServletRequest servletRequest, InputStream body) {
        String address = servletRequest.getRemoteAddr();
        String clientId = null;
        String grantType = null;
        try {
            ClientAuthentication.AuthenticatedForm call = clients.read(request, body);
            clientId = call.client().clientId();
            Tenant tenant = call.tenant();
            Form form = call.form();
            TokenRequest tokenRequest = new TokenRequest(tenant, call.client(), form.singleValued(DEFINED));
            grantType = form.optional("grant_type");
            IssuedTokens tokens = GrantType.PASSWORD.value().equals(grantType)
                    ? passwordGrant(tenant, tokenRequest, form.optional("username"), address)
                    : grants.handle(tokenRequest);
            metrics.tokenIssued(grantType);
            return Json.noStore(body(tokens));
        } catch (OAuthException | ChallengeException e) {
            OAuthError error = e instanceof OAuthException oauth ? oauth.error() : ((ChallengeException) e).error();
            if (!(GrantType.PASSWORD.value().equals(grantType) && LOGIN_EVENTS.contains(error.code()))) {
                audit.tokenFailed(RequestTenant.of(request).id(), clientId, grantType, error.code(), address);
            }
            throw e;
        }
    }

    /**
     * The password grant's wrong passwords and throttling are {@code login.*} events already
     * ({@link dev.identityservice.server.login.LoginAudit}); every other refusal is a {@code token.failed}.
     */
    private static final Set<String> LOGIN_EVENTS = Set.of("invalid_grant", "temporarily_unavailable");

    /**
     * The attempt is reserved before the grant hashes the password. A client of the password grant keeps no
     * cookies, so what lets its owner in while someone guesses is the per-(account, address) budget and the
     * addresses the owner has signed in from (see {@link LoginThrottle}).
     *
     * <p>While hashing is at capacity the grant is refused (503 through
     * {@link dev.identityservice.server.error.PasswordHashingBusyMapper}) before the throttle's counters are read
     * and written: a login storm's refusals then cost no database round trips (issue 13).
     */
    private IssuedTokens passwordGrant(Tenant tenant, TokenRequest request, String username, String address) {
        users.requireHashingCapacity();
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(LoginAudit.Channel.TOKEN, tenant.id(), username, address, null);
        } catch (LoginThrottle.Throttled throttled) {
            // invalid_grant rather than 429: OAuth clients show "login failed", while a 429 is often retried at once.
            throw new ChallengeException(OAuthError.invalidGrant("Too many failed attempts; retry later"),
                    Map.of("Retry-After", throttled.retryAfterHeader()));
        } catch (LoginThrottle.Unavailable unavailable) {
            throw new ChallengeException(OAuthError.temporarilyUnavailable("Sign-in is unavailable for a moment; retry later"),
                    Map.of("Retry-After", unavailable.retryAfterHeader()));
        }
        boolean ended = false;
        try {
            IssuedTokens tokens = grants.handle(request);
            ended = true;
            attempt.succeeded(null);
            return tokens;
        } catch (OAuthException e) {
            if ("invalid_grant".equals(e.error().code())) {
                ended = true;
                attempt.failed();
            }
            throw e;
        } finally {
            if (!ended) {
                attempt.abandoned();
            }
        }
    }

    /** RFC 6749 §5.1 and OIDC Core §3.1.3.3; {@code expires_in} in whole seconds. */
    private static Map<String, Object> body(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken());
        body.put("token_type", tokens.tokenType());
        body.put("expires_in", tokens.expiresIn().toSeconds());
        if (tokens.refreshToken() != null) {
            body.put("refresh_token", tokens.refreshToken());
        }
        if (tokens.scope() != null && !tokens.scope().isEmpty()) {
            body.put("scope", tokens.scope());
        }
        if (tokens.idToken() != null) {
            body.put("id_token", tokens.idToken());
        }
        return body;
    }
}
