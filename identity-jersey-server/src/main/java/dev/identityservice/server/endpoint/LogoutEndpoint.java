package dev.identityservice.server.endpoint;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.RedirectUriMatcher;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.BrowserCookies;
import dev.identityservice.server.http.RequestTenant;
import dev.identityservice.server.page.Html;
import dev.identityservice.server.page.Pages;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0 §2, §3), GET and POST: ends the browser's
 * login session, which revokes the refresh tokens issued in it, clears the cookie, and sends the browser to
 * the client's {@code post_logout_redirect_uri} with {@code state} when that URI is registered for the client
 * named by {@code client_id} or by the {@code id_token_hint}; otherwise it shows a "signed out" page.
 *
 * <p>An {@code id_token_hint} that is not ours, or whose {@code aud} does not contain {@code client_id}, refuses
 * the whole request with an error page and ends nothing: it is a forged or confused request. Only a hint that
 * names the session's own user is taken as the user's wish: without a hint, or with a hint of another user (an
 * attacker's own ID token is valid too), the user is asked first (§2: the OP MUST ask when no {@code id_token_hint}
 * was given), with a CSRF-protected form that posts back here. So is a request whose {@code post_logout_redirect_uri}
 * is not registered for the client, whatever its hint: the user is told the browser will stay here. Whenever the page says "signed out" or the browser
 * is sent on, the server session has ended with its refresh tokens; without a session the page still says
 * "signed out", so repeating a logout is harmless.
 */
@Path(EndpointPaths.LOGOUT)
public final class LogoutEndpoint {

    /**
     * The parameters RP-Initiated Logout §2 defines, plus the confirmation form's own; none may repeat
     * (RFC 6749 §3.1 by analogy), others are ignored.
     */
    static final Set<String> DEFINED = Set.of("id_token_hint", "logout_hint", "client_id", "post_logout_redirect_uri",
            "state", "ui_locales", "confirm", AuthorizationFlow.CSRF_FIELD);

    /** The confirmation page's notice when {@code post_logout_redirect_uri} is not registered for the client. */
    static final String UNREGISTERED_REDIRECT = "The address the application asked to return to after signing out is not "
            + "registered for it: you will not be sent there.";

    private final IdentityEngine engine;

    public LogoutEndpoint(IdentityEngine engine) {
        this.engine = engine;
    }

    @GET
    public Response get(@Context ContainerRequestContext request) {
        return logout(request, null);
    }

    @POST
    public Response post(@Context ContainerRequestContext request, InputStream body) {
        return logout(request, body);
    }

    private Response logout(ContainerRequestContext request, InputStream body) {
        Tenant tenant = RequestTenant.of(request);
        Map<String, String> parameters;
        try {
            parameters = AuthorizationFlow.parameters(request, body, DEFINED);
        } catch (OAuthException malformed) {
            return refused(malformed.error().description());
        }
        String hint = value(parameters, "id_token_hint");
        String clientId = value(parameters, "client_id");
        Optional<JWTClaimsSet> claims = Optional.empty();
        if (hint != null) {
            String audience = clientId != null ? clientId : audienceOf(hint);
            claims = engine.idTokenHints().validate(tenant, hint, audience);
            if (claims.isEmpty()) {
                return refused("The logout request names an ID token that was not issued to this application.");
            }
            clientId = audience;
        }
        Optional<Client> client = clientId == null || clientId.length() > 255
                ? Optional.empty() : engine.clients().find(tenant.id(), clientId);

        String redirect = value(parameters, "post_logout_redirect_uri");
        boolean redirectAllowed = redirect != null && client.isPresent()
                && RedirectUriMatcher.matches(client.get().postLogoutRedirectUris(), redirect);
        Optional<LoginSession> session = engine.sessions().find(tenant.id(), BrowserCookies.session(request, tenant));
        // Only a hint naming the session's own user stands for the user's consent: anyone can hold some valid
        // ID token (their own), and it must not sign out somebody else's browser.
        String subject = claims.map(JWTClaimsSet::getSubject).orElse(null);
        boolean hintIsSessionUser = subject != null && session.isPresent() && subject.equals(session.get().userId());
        // A post_logout_redirect_uri that is not registered for the client fails validation (§3): the browser
        // is not sent there, and the request no longer stands for the user's wish either (§4: what failed to
        // validate is not used), so the user is asked, and told that they will stay here.
        boolean unregisteredRedirect = redirect != null && !redirectAllowed;
        if (session.isPresent() && (!hintIsSessionUser || unregisteredRedirect)) {
            String confirm = value(parameters, "confirm");
            if (confirm == null) {
                Map<String, String> carried = new LinkedHashMap<>(parameters);
                client.ifPresent(c -> carried.put("client_id", c.clientId()));
                return confirmationPage(request, tenant, carried, client, redirectAllowed ? redirect : null,
                        unregisteredRedirect ? UNREGISTERED_REDIRECT : null);
            }
            if (!BrowserCookies.csrfMatches(BrowserCookies.csrf(request, tenant), value(parameters, AuthorizationFlow.CSRF_FIELD))) {
                return Html.page(403, Pages.message("Sign-out request refused",
                        "The sign-out form expired or came from another site. Please try again."), null);
            }
            if (!"yes".equals(confirm)) {
                return Html.page(200, Pages.message("Still signed in", "You are still signed in. You may close this window."), null);
            }
        }
        // Past this point the page says "signed out": the server session and its refresh tokens end with it.
        session.ifPresent(s -> engine.sessions().end(s));

        String cleared = BrowserCookies.clearedSessionCookie(request, tenant);
        if (redirectAllowed) {
            String state = value(parameters, "state");
            String location = state == null ? redirect
                    : redirect + (redirect.indexOf('?') < 0 ? '?' : '&') + "state=" + URLEncoder.encode(state, StandardCharsets.UTF_8);
            return Response.status(Response.Status.FOUND)
                    .header(HttpHeaders.LOCATION, location)
                    .header(HttpHeaders.SET_COOKIE, cleared)
                    .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                    .header("Referrer-Policy", "no-referrer")
                    .build();
        }
        Response page = Html.page(200, Pages.message("Signed out", "You have been signed out. You may close this window."), null);
        return Response.fromResponse(page).header(HttpHeaders.SET_COOKIE, cleared).build();
    }

    /** Asks before signing out; the form carries the request's parameters and a double-submit CSRF token. */
    private static Response confirmationPage(ContainerRequestContext request, Tenant tenant, Map<String, String> parameters,
                                             Optional<Client> client, String validRedirect, String notice) {
        String token = BrowserCookies.csrf(request, tenant);
        if (token == null) {
            token = BrowserCookies.newCsrfToken();
        }
        Map<String, String> hidden = new LinkedHashMap<>();
        for (String name : List.of("client_id", "post_logout_redirect_uri", "state")) {
            String v = value(parameters, name);
            if (v != null) {
                hidden.put(name, v);
            }
        }
        hidden.put(AuthorizationFlow.CSRF_FIELD, token);
        String clientName = client.map(c -> c.name() == null || c.name().isBlank() ? c.clientId() : c.name()).orElse(null);
        String html = Pages.confirmLogout(clientName, EndpointPaths.url(tenant.issuer(), EndpointPaths.LOGOUT), hidden, notice);
        Response page = Html.page(200, html, validRedirect == null ? null : AuthorizationFlow.formActionSource(validRedirect));
        return Response.fromResponse(page).header(HttpHeaders.SET_COOKIE, BrowserCookies.csrfCookie(request, tenant, token)).build();
    }

    /**
     * The client an unverified hint was issued to: its single {@code aud}, else its {@code azp} (OIDC Core §2).
     * Only a guess to choose whom to verify the hint for; {@code validate} then checks signature and audience.
     */
    private static String audienceOf(String hint) {
        try {
            JWTClaimsSet claims = JWTParser.parse(hint).getJWTClaimsSet();
            List<String> audience = claims.getAudience();
            if (audience != null && audience.size() == 1) {
                return audience.get(0);
            }
            Object azp = claims.getClaim("azp");
            return azp instanceof String party ? party : null;
        } catch (ParseException e) {
            return null;
        }
    }

    private static Response refused(String description) {
        return Html.page(400, Pages.message("Sign-out request refused", description), null);
    }

    private static String value(Map<String, String> parameters, String name) {
        String v = parameters.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
