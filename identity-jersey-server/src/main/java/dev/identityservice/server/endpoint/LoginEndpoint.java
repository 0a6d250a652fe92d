package dev.identityservice.server.endpoint;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.session.LoginSessions;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.user.PasswordHashingBusyException;
import dev.identityservice.core.user.User;
import dev.identityservice.server.http.BrowserCookies;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.login.DeviceCookies;
import dev.identityservice.server.login.LoginAudit;
import dev.identityservice.server.login.LoginThrottle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The login form's target (OIDC Core §3.1.2.3, "Authorization Server Authenticates End-User"): checks the
 * CSRF token, re-validates the authorization request carried in the form, checks the password through the
 * {@link LoginThrottle} shared with the password grant, starts a login session and redirects with a code.
 * A successful login leaves a {@linkplain DeviceCookies device cookie} in the browser; with it, that browser's
 * later logins of that account are exempt from the budgets a guesser can spend.
 *
 * <p>When the request carries an {@code id_token_hint} and the password is another user's than the hint names,
 * the answer is {@code login_required} on the redirect URI and no session is started (OIDC Core §3.1.2.1: the
 * user the client asked for was neither logged in nor logged in by the request). The browser keeps the session
 * it had, if any: the client asked for one person, and an error is no place to leave another signed in silently.
 */
@Path(EndpointPaths.AUTHORIZE_LOGIN)
public final class LoginEndpoint {

    private static final String INVALID = "Invalid username or password.";
    private static final String UNAVAILABLE = "Sign-in is unavailable for a moment. Please try again shortly.";
    private static final String THROTTLED = "Too many failed attempts. Please wait a few minutes and try again.";
    private static final String EXPIRED = "This sign-in form has expired. Please sign in again.";
    /** The authorization request's parameters plus the login form's own fields; none may repeat. */
    private static final Set<String> DEFINED = union(AuthorizationRequest.DEFINED,
            Set.of("username", "password", AuthorizationFlow.CSRF_FIELD, "action",
                    PushedRequestSeal.FIELD));

    private final AuthorizationFlow flow;
    private final LoginThrottle throttle;
    private final DeviceCookies devices;

    public LoginEndpoint(AuthorizationFlow flow, LoginThrottle throttle, DeviceCookies devices) {
        this.flow = flow;
        this.throttle = throttle;
        this.devices = devices;
    }

    @POST
    public Response login(@Context ContainerRequestContext request, @Context HttpServletRequest servletRequest, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        Map<String, String> form;
        AuthorizationRequest authorization;
        try {
            form = AuthorizationFlow.parameters(request, body, DEFINED);
            authorization = AuthorizationRequest.parse(tenant, flow.engine(), form);
        } catch (AuthorizationFailure failure) {
            return flow.failure(tenant, failure);
        } catch (OAuthException malformed) {
            return AuthorizationFlow.errorPage(malformed.error().description());
        }
        if (!flow.carriesPushedRequest(tenant, authorization, form)) {
            // RFC 9126 §6: the hidden fields must be the pushed request's, unchanged, or a request built in the
            // browser would stand in for one the client pushed. Checked before anything else, password included.
            return flow.failure(tenant, authorization.failure(OAuthError.invalidRequest("This client's authorization "
                    + "requests must be pushed (RFC 9126 §6); the sign-in form does not carry one")));
        }
        String username = form.get("username");
        if (!BrowserCookies.csrfMatches(BrowserCookies.csrf(request, tenant), form.get(AuthorizationFlow.CSRF_FIELD))) {
            // No login is attempted; a fresh form (and token) lets a real user who merely waited too long go on.
            return flow.loginPage(request, tenant, authorization, 403, username, EXPIRED);
        }
        if ("cancel".equals(form.get("action"))) {
            return flow.failure(tenant, AuthorizationFlow.denied(authorization));
        }
        Optional<String> hinted;
        try {
            // Checked again: the hint came back through the form, and no password is hashed for a forged one.
            hinted = flow.hintedSubject(tenant, authorization);
        } catch (AuthorizationFailure failure) {
            return flow.failure(tenant, failure);
        }
        try {
            // Before the device cookie, the throttle's counters and the user's lookup: a storm's refusals cost no
            // database round trips (issue 13).
            flow.engine().userAuthenticator().requireHashingCapacity();
        } catch (PasswordHashingBusyException busy) {
            return busy(request, tenant, authorization, username, busy);
        }
        // The remote address is the forwarded client's when the peer is a trusted proxy (TrustedProxies).
        String address = servletRequest.getRemoteAddr();
        Cookie deviceCookie = request.getCookies().get(DeviceCookies.name(tenant.id()));
        String deviceId = devices.verify(tenant.id(), username, deviceCookie == null ? null : deviceCookie.getValue()).orElse(null);
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(LoginAudit.Channel.FORM, tenant.id(), username, address, deviceId);
        } catch (LoginThrottle.Throttled throttled) {
            return Response.fromResponse(flow.loginPage(request, tenant, authorization, 429, username, THROTTLED))
                    .header("Retry-After", throttled.retryAfterHeader()).build();
        } catch (LoginThrottle.Unavailable unavailable) {
            return Response.fromResponse(flow.loginPage(request, tenant, authorization, 503, username, UNAVAILABLE))
                    .header("Retry-After", unavailable.retryAfterHeader()).build();
        }
        String password = form.get("password");
        char[] secret = password == null ? null : password.toCharArray();
        User user;
        try {
            user = flow.engine().userAuthenticator().authenticate(tenant.id(), username, secret);
        } catch (OAuthException e) {
            attempt.failed();
            return flow.loginPage(request, tenant, authorization, 200, username, INVALID);
        } catch (PasswordHashingBusyException busy) {
            // Nothing was checked: not a failed attempt, and the form stays filled in for a retry.
            attempt.abandoned();
            return busy(request, tenant, authorization, username, busy);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
        // The password was right either way: the throttle and the metric count a success.
        attempt.succeeded(user.id());
        if (hinted.isPresent() && !hinted.get().equals(user.id())) {
            return flow.failure(tenant, authorization.failure(new OAuthError("login_required",
                    "The user who signed in is not the one id_token_hint names", 400)));
        }
        return signedIn(request, tenant, authorization, user, deviceCookie(request, tenant, username));
    }

    /** Hashing is at capacity: the login page again, filled in, with 503 and {@code Retry-After} (RFC 9110 §10.2.3). */
    private Response busy(ContainerRequestContext request, Tenant tenant, AuthorizationRequest authorization, String username,
                          PasswordHashingBusyException busy) {
        return Response.fromResponse(flow.loginPage(request, tenant, authorization, 503, username, UNAVAILABLE))
                .header("Retry-After", String.valueOf(busy.retryAfterSeconds())).build();
    }

    private String deviceCookie(ContainerRequestContext request, Tenant tenant, String username) {
        return BrowserCookies.deviceCookie(request, tenant, DeviceCookies.name(tenant.id()), devices.issue(tenant.id(), username),
                devices.lifetime());
    }

    private Response signedIn(ContainerRequestContext request, Tenant tenant, AuthorizationRequest authorization, User user,
                              String deviceCookie) {
        LoginSessions sessions = flow.engine().sessions();
        Optional<AuthorizationFlow.SessionUser> previous = flow.session(request, tenant);
        // The same user signing in again (prompt=login, max_age) continues the session with a new auth_time:
        // ending it would send each of its clients a back-channel logout although nobody signed out.
        Optional<LoginSession> continued = previous.filter(s -> s.user().id().equals(user.id()))
                .flatMap(s -> sessions.reauthenticate(s.session()));
        try {
            if (continued.isPresent()) {
                return flow.issue(tenant, authorization, new AuthorizationFlow.SessionUser(continued.get(), user), deviceCookie);
            }
            // A login of another user replaces this browser's previous session and ends it with its refresh
            // tokens: otherwise a later logout, which ends only the cookie's session, would leave them alive.
            previous.ifPresent(s -> sessions.end(s.session()));
            LoginSessions.StartedSession started = sessions.start(tenant.id(), user.id());
            Duration lifetime = Duration.between(flow.engine().clock().instant(), started.session().expiresAt());
            String cookie = BrowserCookies.sessionCookie(request, tenant, started.cookieValue(), lifetime);
            return flow.issue(tenant, authorization, new AuthorizationFlow.SessionUser(started.session(), user), cookie, deviceCookie);
        } catch (AuthorizationFailure failure) {
            return flow.failure(tenant, failure);
        } catch (OAuthException e) {
            return flow.failure(tenant, authorization.failure(e.error()));
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
