package dev.identityservice.server.endpoint;

import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.ClientDescription;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.session.LoginSession;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.AuthenticationContext;
import dev.identityservice.core.token.Authorization;
import dev.identityservice.core.token.ClaimsRequest;
import dev.identityservice.core.token.FrontChannelTokens;
import dev.identityservice.core.token.IssuedAccessToken;
import dev.identityservice.core.token.IssuedTokens;
import dev.identityservice.core.user.User;
import dev.identityservice.server.error.ErrorResponses;
import dev.identityservice.server.http.BrowserCookies;
import dev.identityservice.server.http.Form;
import dev.identityservice.server.observability.ServerMetrics;
import dev.identityservice.server.page.Html;
import dev.identityservice.server.page.Pages;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the authorize and login endpoints share (RFC 6749 §4.1.2, RFC 9207): the login session behind the
 * cookie, the login page, and the responses: a code (and in the implicit and hybrid flows, tokens) or an error on
 * the redirect URI, with {@code state} and {@code iss}, or an error page when the redirect URI is not trusted.
 */
public final class AuthorizationFlow {

    /** The form field that repeats the CSRF cookie. */
    static final String CSRF_FIELD = "csrf_token";

    private final IdentityEngine engine;
    private final PushedRequestSeal seal;
    private final ServerMetrics metrics;

    /**
     * @param sealKey secret key material (at least 32 bytes, the same on every instance, e.g. derived from the
     *                master key) for the login form's proof that a pushed request's parameters are unchanged
     * @param metrics where the tokens of the implicit and hybrid flows are counted, as the token endpoint's are
     */
    public AuthorizationFlow(IdentityEngine engine, byte[] sealKey, ServerMetrics metrics) {
        this.engine = engine;
        this.seal = new PushedRequestSeal(sealKey, engine.clock());
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Whether the login form's parameters may be used: always, unless the client must push its requests (RFC 9126
     * §6); then only with the seal its login page was given when the authorization endpoint took the pushed request.
     */
    boolean carriesPushedRequest(Tenant tenant, AuthorizationRequest authorization, java.util.Map<String, String> form) {
        return !engine.pushedRequests().requiredFor(authorization.client())
                || seal.verify(tenant.id(), authorization.carried(), form.get(PushedRequestSeal.FIELD));
    }

    IdentityEngine engine() {
        return engine;
    }

    /**
     * The request's parameters: the query of a GET, the form of a POST (OIDC Core §3.1.2.1 allows both), each
     * with its first value; {@code invalid_request} when one of {@code defined} is repeated (RFC 6749 §3.1).
     */
    static Map<String, String> parameters(ContainerRequestContext request, java.io.InputStream body, Collection<String> defined) {
        Form form;
        if ("POST".equals(request.getMethod())) {
            form = Form.read(request.getMediaType(), request.getLength(), body);
        } else {
            String query = request.getUriInfo().getRequestUri().getRawQuery();
            form = Form.parse(query == null ? new byte[0] : query.getBytes(StandardCharsets.US_ASCII));
        }
        return form.singleValued(defined);
    }

    /** The active session of the browser with its enabled user, if any. */
    Optional<SessionUser> session(ContainerRequestContext request, Tenant tenant) {
        return engine.sessions().find(tenant.id(), BrowserCookies.session(request, tenant))
                .flatMap(s -> engine.users().findById(tenant.id(), s.userId()).filter(User::enabled)
                        .filter(u -> u.acceptsTokensIssuedAt(s.authTime()))
                        .map(u -> new SessionUser(s, u)));
    }

    /** Whether the session satisfies the request: no forced login and, with {@code max_age}, recent enough. */
    boolean satisfies(SessionUser session, AuthorizationRequest authorization) {
        if (authorization.promptLogin()) {
            return false;
        }
        Duration maxAge = authorization.maxAge();
        // Compared as durations: authTime + maxAge would overflow Instant for a client's huge max_age.
        return maxAge == null || Duration.between(session.session().authTime(), engine.clock().instant()).compareTo(maxAge) <= 0;
    }

    /**
     * The user an {@code id_token_hint} names (OIDC Core §3.1.2.1): its {@code sub}, or empty without a hint.
     * The hint must be an ID token this tenant signed for the requesting client; its expiry does not matter,
     * since it only says whom the client expects.
     *
     * @throws AuthorizationFailure {@code invalid_request} on the redirect URI when the hint is not such a token
     */
    Optional<String> hintedSubject(Tenant tenant, AuthorizationRequest authorization) {
        String hint = authorization.idTokenHint();
        if (hint == null) {
            return Optional.empty();
        }
        return Optional.of(engine.idTokenHints().validate(tenant, hint, authorization.client().clientId())
                .orElseThrow(() -> authorization.failure(OAuthError.invalidRequest(
                        "id_token_hint is not an ID token issued by this server to this client")))
                .getSubject());
    }

    /**
     * Issues what the request's response type asks for and sends it back in the request's response mode (RFC 6749
     * §4.1.2, RFC 9207 §2): a code; in the implicit and hybrid flows (OIDC Core §3.2.2.5, §3.3.2.5) also an ID token
     * and an access token ({@link FrontChannelTokens}), never a refresh token. Extra cookies are set on the way. The
     * claims requested individually (OIDC Core §5.5) are stored with the code.
     *
     * @throws AuthorizationFailure {@code login_required} when the {@code claims} parameter asks for an ID token
     *         {@code sub} other than the session's user (OIDC Core §3.1.2.2)
     */
    Response issue(Tenant tenant, AuthorizationRequest authorization, SessionUser session, String... cookies) {
        ClaimsRequest.Claim sub = authorization.claims().idToken().get("sub");
        if (sub != null && !sub.accepts(session.user().id())) {
            throw authorization.failure(new OAuthError("login_required", "The signed-in user is not the requested sub", 400));
        }
        ResponseType type = authorization.responseType();
        String code = !type.code() ? null : engine.authorizationCodes().issue(tenant, authorization.client(), session.user(),
                authorization.redirectUri(), authorization.scopes(), authorization.nonce(), authorization.codeChallenge(),
                session.session().authTime(), session.session().idHash(), authorization.claims());
        engine.sessions().addParticipant(session.session(), authorization.client().clientId());
        Map<String, String> parameters = new LinkedHashMap<>();
        if (code != null) {
            parameters.put("code", code);
        }
        if (type.frontChannel()) {
            frontChannelTokens(tenant, authorization, session, code, parameters);
        }
        Response.ResponseBuilder response = respond(tenant, authorization.redirectUri(), parameters, authorization.state(),
                authorization.responseMode());
        for (String cookie : cookies) {
            response.header(HttpHeaders.SET_COOKIE, cookie);
        }
        return response.build();
    }

    /**
     * Adds the tokens of the implicit and hybrid flows to {@code parameters}: {@code access_token} with
     * {@code token_type}, {@code expires_in} and {@code scope} (RFC 6749 §4.2.2), and {@code id_token}. They state
     * the same user, session ({@code sid}), authentication time and claims as the code flow's tokens would.
     */
    private void frontChannelTokens(Tenant tenant, AuthorizationRequest authorization, SessionUser session, String code,
                                    Map<String, String> parameters) {
        // No offline_access: no refresh token is issued here, so it would promise what the token cannot do.
        Set<String> scopes = new LinkedHashSet<>(authorization.scopes());
        scopes.remove("offline_access");
        Authorization granted = new Authorization(tenant, authorization.client(), session.user(), scopes,
                session.session().authTime(), List.of(AuthenticationContext.AMR_PASSWORD), authorization.nonce(),
                session.session().idHash(), authorization.claims());
        FrontChannelTokens.Issued issued = engine.frontChannelTokens().issue(granted, authorization.responseType(), code);
        if (issued.accessToken() != null || issued.idToken() != null) {
            // One count per response, as the token endpoint counts one per response; the grant is implicit for
            // the hybrid flow too, since the tokens in the front channel are its part (RFC 7591 §2.1).
            metrics.tokenIssued(GrantType.IMPLICIT.value());
        }
        if (issued.accessToken() != null) {
            IssuedAccessToken access = issued.accessToken();
            if (code != null) {
                engine.authorizationCodes().issuedWith(code, access);
            }
            parameters.put("access_token", access.value());
            parameters.put("token_type", IssuedTokens.TOKEN_TYPE);
            parameters.put("expires_in", String.valueOf(Duration.between(access.issuedAt(), access.expiresAt()).toSeconds()));
            parameters.put("scope", granted.scopeString());
        }
        if (issued.idToken() != null) {
            parameters.put("id_token", issued.idToken());
        }
    }

    /** The failure as a redirect to the validated redirect URI, or as an error page. */
    Response failure(Tenant tenant, AuthorizationFailure failure) {
        if (failure.redirectUri() == null) {
            return errorPage(failure.error().description());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("error", failure.error().code());
        if (failure.error().description() != null) {
            parameters.put("error_description", failure.error().description());
        }
        return respond(tenant, failure.redirectUri(), parameters, failure.state(), failure.mode()).build();
    }

    static Response errorPage(String description) {
        return Html.page(400, Pages.message("Sign-in request refused", description), null);
    }

    /**
     * The login page, with a CSRF token in a cookie and in the form; an existing well-formed token is kept,
     * so that two open login pages of one browser both stay usable.
     */
    Response loginPage(ContainerRequestContext request, Tenant tenant, AuthorizationRequest authorization, int status,
                       String username, String error) {
        String token = BrowserCookies.csrf(request, tenant);
        if (token == null) {
            token = BrowserCookies.newCsrfToken();
        }
        Map<String, String> hidden = new LinkedHashMap<>(authorization.carried());
        hidden.put(CSRF_FIELD, token);
        if (engine.pushedRequests().requiredFor(authorization.client())) {
            // Only a pushed request reaches this page for such a client (the authorize endpoint refuses others,
            // the login endpoint checks the seal first): seal its parameters for the form's return.
            hidden.put(PushedRequestSeal.FIELD, seal.seal(tenant.id(), authorization.carried()));
        }
        String client = authorization.client().name() == null || authorization.client().name().isBlank()
                ? authorization.client().clientId() : authorization.client().name();
        String action = EndpointPaths.url(tenant.issuer(), EndpointPaths.AUTHORIZE_LOGIN);
        ClientDescription shown = authorization.client().description();
        String html = Pages.login(client, action, hidden, username != null ? username : authorization.loginHint(), error,
                text(shown.logoUri()), text(shown.policyUri()), text(shown.tosUri()));
        Response page = Html.page(status, html, formActionSource(authorization.redirectUri()),
                shown.logoUri() == null ? null : formActionSource(shown.logoUri().toString()));
        return Response.fromResponse(page).header(HttpHeaders.SET_COOKIE, BrowserCookies.csrfCookie(request, tenant, token)).build();
    }

    /**
     * The authorization response: a 302 with {@code parameters} in the redirect URI's query or fragment (OAuth 2.0
     * Multiple Response Types §2.1; registered redirect URIs have no fragment of their own), or with
     * {@link ResponseMode#FORM_POST} a page that posts them there (OAuth 2.0 Form Post Response Mode §2), so that
     * they stay out of URLs, logs and the {@code Referer}.
     */
    private Response.ResponseBuilder respond(Tenant tenant, String redirectUri, Map<String, String> parameters, String state,
                                             ResponseMode mode) {
        if (state != null) {
            parameters.put("state", state);
        }
        // RFC 9207: the issuer lets the client detect a mix-up between authorization servers.
        parameters.put("iss", tenant.issuer().toString());
        if (mode == ResponseMode.FORM_POST) {
            return Response.fromResponse(Html.autoSubmit(Pages.formPost(redirectUri, parameters), formActionSource(redirectUri)));
        }
        StringBuilder location = new StringBuilder(redirectUri)
                .append(mode == ResponseMode.FRAGMENT ? '#' : redirectUri.indexOf('?') < 0 ? '?' : '&');
        boolean first = true;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            if (!first) {
                location.append('&');
            }
            first = false;
            location.append(p.getKey()).append('=').append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        }
        return Response.status(Response.Status.FOUND)
                .header(HttpHeaders.LOCATION, location.toString())
                .header(HttpHeaders.CACHE_CONTROL, ErrorResponses.NO_STORE)
                .header("Referrer-Policy", "no-referrer");
    }

    /** The CSP source of a redirect URI: its origin for http(s), its scheme for a native app's custom scheme. */
    static String formActionSource(String redirectUri) {
        URI uri = URI.create(redirectUri);
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null) {
            // Host and port only: a userinfo part has no place in a CSP source.
            return scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
        return scheme + ":";
    }

    private static String text(URI uri) {
        return uri == null ? null : uri.toString();
    }

    /** A login session with its user. */
    record SessionUser(LoginSession session, User user) {
    }

    /** For the access_denied redirect of the login page's Cancel button. */
    static AuthorizationFailure denied(AuthorizationRequest authorization) {
        return authorization.failure(OAuthError.accessDenied("The user cancelled the sign-in"));
    }
}
