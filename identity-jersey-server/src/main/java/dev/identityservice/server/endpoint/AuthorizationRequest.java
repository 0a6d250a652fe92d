package dev.identityservice.server.endpoint;

import com.nimbusds.jwt.JWTParser;
import dev.identityservice.core.IdentityEngine;
import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.ResponseType;
import dev.identityservice.core.client.RedirectUriMatcher;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.grant.Scopes;
import dev.identityservice.core.request.PushedAuthorizationRequests;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.AuthenticationContext;
import dev.identityservice.core.token.ClaimsRequest;
import dev.identityservice.server.http.NonNegativeInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3). Parsed the same
 * way for the first GET or POST and for the login form's post, so that nothing the browser sends back is
 * trusted: the hidden fields are re-validated as if they were a new request.
 *
 * @param carried  the request's own parameters, to repeat in the login form's hidden fields
 * @param maxAge   OIDC {@code max_age}, or {@code null}
 * @param claims   the claims requested individually: the §5.5 {@code claims} parameter with {@code acr_values}
 *                 (§3.1.2.1) folded in
 * @param responseMode how the response goes back: query, fragment or an auto-submitted form
 * @param responseType what the response carries: a code, and in the implicit and hybrid flows (OIDC Core §3.2,
 *                     §3.3) an ID token and an access token
 */
record AuthorizationRequest(Client client, String redirectUri, String state, String nonce, Set<String> scopes,
                            String codeChallenge, Set<String> prompt, Duration maxAge, String loginHint,
                            Map<String, String> carried, ClaimsRequest claims, ResponseMode responseMode,
                            ResponseType responseType) {

    /** The parameters a login form carries; anything else in a request is ignored (RFC 6749 §3.1). */
    static final List<String> PARAMETERS = List.of("response_type", "client_id", "redirect_uri", "scope", "state",
            "nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "response_mode", "id_token_hint",
            "claims", "acr_values");
    /**
     * Every parameter RFC 6749 §4.1.1, RFC 7636 §4.3 and OIDC Core §3.1.2.1 define for this endpoint, used or
     * not: none may repeat (RFC 6749 §3.1); anything else, e.g. RFC 8707 {@code resource}, is ignored.
     */
    static final Set<String> DEFINED = Set.of("response_type", "client_id", "redirect_uri", "scope", "state",
            "response_mode", "nonce", "display", "prompt", "max_age", "ui_locales", "id_token_hint", "login_hint",
            "acr_values", "claims", "claims_locales", "request", "request_uri", "registration", "code_challenge",
            "code_challenge_method");
    /** OIDC Core §11: asks for a refresh token. */
    private static final String OFFLINE_ACCESS = "offline_access";
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");
    private static final int MAX_VALUE_CHARS = 4096;
    /** An ID token with a few claims and a signature is far below this; the validator has the same bound. */
    private static final int MAX_ID_TOKEN_HINT_CHARS = 16_384;

    boolean promptNone() {
        return prompt.contains("none");
    }

    /** OIDC Core §3.1.2.1 {@code id_token_hint}: the ID token the client holds for the user it expects, or {@code null}. */
    String idTokenHint() {
        return carried.get("id_token_hint");
    }

    boolean promptLogin() {
        return prompt.contains("login");
    }

    /** {@code error} for the client, on its redirect URI in this request's response mode, with its {@code state}. */
    AuthorizationFailure failure(OAuthError error) {
        return AuthorizationFailure.redirect(error, redirectUri, state, responseMode);
    }

    /**
     * Resolves and validates an authorization request: a request object ({@code request}, RFC 9101) is verified
     * and its parameters used instead of the query's; a pushed request's {@code request_uri} (RFC 9126 §4) is used
     * up and its stored parameters used; any other {@code request_uri} (OIDC Core §6.2) is fetched, only from a URL
     * the client registered in {@code request_uris}, by {@code RequestUriFetcher} and verified as a {@code request};
     * then the effective parameters go through {@link #validate}.
     *
     * @throws AuthorizationFailure when the request is refused
     */
    static AuthorizationRequest parse(Tenant tenant, IdentityEngine engine, Map<String, String> parameters) {
        return parse(tenant, engine, parameters, false);
    }

    /**
     * As {@link #parse(Tenant, IdentityEngine, Map)}; with {@code fromAuthorizeEndpoint}, a client that must push
     * its requests ({@code PushedAuthorizationRequests#requiredFor}) is refused anything but a pushed request's
     * {@code request_uri}. The login form's re-validation passes {@code false}: it carries the parameters the
     * authorization endpoint already accepted (from the pushed request), and the one-time reference is spent; that
     * they are the pushed ones, unchanged, the login endpoint checks by the form's {@link PushedRequestSeal}.
     */
    static AuthorizationRequest parse(Tenant tenant, IdentityEngine engine, Map<String, String> parameters, boolean fromAuthorizeEndpoint) {
        Client client = client(tenant, engine.clients(), parameters);
        String request = value(parameters, "request");
        String requestUri = value(parameters, "request_uri");
        if (requestUri != null && request != null) {
            throw failure(tenant, client, OAuthError.invalidRequest("request and request_uri must not both be sent"), parameters);
        }
        if (requestUri != null && PushedAuthorizationRequests.isPushed(requestUri)) {
            try {
                return validate(client, tenant.implicitAndHybridFlows(), engine.pushedRequests().take(tenant.id(), client.clientId(), requestUri));
            } catch (OAuthException e) {
                throw failure(tenant, client, e.error(), parameters);
            }
        }
        if (fromAuthorizeEndpoint && engine.pushedRequests().requiredFor(client)) {
            // RFC 9126 §6: a client (or server) that requires pushed requests takes nothing else, so that a request
            // built in the browser, unauthenticated and visible, can never stand in for one the client pushed.
            throw failure(tenant, client, OAuthError.invalidRequest("This client's authorization requests must be pushed "
                    + "(pushed_authorization_request_endpoint) and referenced by request_uri (RFC 9126 §6)"), parameters);
        }
        if (requestUri != null) {
            // By reference (OIDC Core §6.2, RFC 9101 §5.2): fetched only from a URL the client registered, then
            // verified exactly as a request parameter, one-time jti included.
            String fetched;
            try {
                fetched = engine.requestUris().fetch(client, requestUri);
            } catch (OAuthException e) {
                throw failure(tenant, client, e.error(), parameters);
            }
            return validate(client, tenant.implicitAndHybridFlows(), requestObject(tenant, engine, client, fetched, parameters));
        }
        if (request != null) {
            return validate(client, tenant.implicitAndHybridFlows(), requestObject(tenant, engine, client, request, parameters));
        }
        return validate(client, tenant.implicitAndHybridFlows(), parameters);
    }

    /**
     * The effective parameters of a request object: its own (RFC 9101 §5: the query's are not used), plus the
     * query's {@code client_id} and {@code response_type} where it lacks them, which OIDC Core §6.1 has clients
     * send in the query and which must match anyway.
     *
     * @throws AuthorizationFailure {@code invalid_request_object} when it is refused
     */
    static Map<String, String> requestObject(Tenant tenant, IdentityEngine engine, Client client, String request,
                                             Map<String, String> parameters) {
        Map<String, String> effective;
        try {
            effective = new LinkedHashMap<>(engine.requestObjects().verify(tenant.issuer(), client, request, parameters));
        } catch (OAuthException e) {
            // Where to send the error: the object's own redirect_uri and state are read unverified, which is safe
            // because the URI must still be one registered for the client (RFC 6749 §4.1.2.1 forbids only
            // redirecting to an unvalidated URI); without a usable one, the query's.
            Map<String, String> unverified = unverifiedClaims(request);
            if (value(unverified, "redirect_uri") != null && RedirectUriMatcher.matches(client.redirectUris(), unverified.get("redirect_uri"))) {
                throw failure(tenant, client, e.error(), unverified);
            }
            throw failure(tenant, client, e.error(), parameters);
        }
        for (String name : List.of("client_id", "response_type")) {
            if (!effective.containsKey(name) && value(parameters, name) != null) {
                effective.put(name, parameters.get(name));
            }
        }
        return effective;
    }

    /** The string claims of a JWT without verifying it, or none when it does not parse; only for error routing. */
    private static Map<String, String> unverifiedClaims(String jwt) {
        Map<String, String> claims = new LinkedHashMap<>();
        try {
            JWTParser.parse(jwt).getJWTClaimsSet().getClaims().forEach((name, v) -> {
                if (v instanceof String s) {
                    claims.put(name, s);
                }
            });
        } catch (java.text.ParseException | RuntimeException e) {
            // Not a JWT, or an encrypted one: nothing to route by.
        }
        return claims;
    }

    /**
     * The error sent to the redirect URI {@code parameters} name (or the only registered one) with their
     * {@code state}, or an error page when they name none that is registered.
     */
    private static AuthorizationFailure failure(Tenant tenant, Client client, OAuthError error, Map<String, String> parameters) {
        String redirectUri;
        try {
            redirectUri = redirectUri(client, parameters);
        } catch (AuthorizationFailure page) {
            return AuthorizationFailure.page(error.description());
        }
        String state = value(parameters, "state");
        return fail(error, redirectUri, state != null && state.length() > MAX_VALUE_CHARS ? null : state,
                responseMode(parameters, tenant.implicitAndHybridFlows()));
    }

    /** The client {@code client_id} names; an error page when it is missing or unknown. */
    private static Client client(Tenant tenant, ClientStore clients, Map<String, String> parameters) {
        String clientId = value(parameters, "client_id");
        if (clientId == null) {
            throw AuthorizationFailure.page("The request has no client_id.");
        }
        Client client = clientId.length() > 255 ? null : clients.find(tenant.id(), clientId).orElse(null);
        if (client == null) {
            throw AuthorizationFailure.page("The application that sent you here is not known.");
        }
        return client;
    }

    /** The validated redirect URI; an error page when it is missing (and not implied) or not registered. */
    private static String redirectUri(Client client, Map<String, String> parameters) {
        String requestedRedirect = value(parameters, "redirect_uri");
        if (requestedRedirect == null) {
            // RFC 6749 §3.1.2.3: optional when exactly one redirect URI is registered.
            if (client.redirectUris().size() != 1) {
                throw AuthorizationFailure.page("The request has no redirect_uri.");
            }
            return client.redirectUris().get(0);
        }
        if (RedirectUriMatcher.matches(client.redirectUris(), requestedRedirect)) {
            return requestedRedirect;
        }
        throw AuthorizationFailure.page("The redirect_uri is not registered for this application.");
    }

    /**
     * Validates the effective parameters of {@code client}'s request: first the redirect URI, whose failures are
     * error pages, then everything else, whose failures go back to the redirect URI with the {@code state}. A
     * {@code request} or {@code request_uri} left among them (e.g. in a pushed request) is refused.
     *
     * <p>Response types beyond {@code code} (OIDC Core §3.2, §3.3) are {@code unsupported_response_type} unless
     * {@code implicitAndHybridFlows} (the tenant's setting), and {@code unauthorized_client} for a client that did
     * not register them; with {@code id_token} a {@code nonce} is required (§3.2.2.1) and {@code openid} too; their
     * responses and errors go back in the fragment unless {@code form_post} is asked for, and never in the query
     * (OAuth 2.0 Multiple Response Types §5).
     *
     * @param implicitAndHybridFlows whether the tenant enables the implicit and hybrid flows
     * @throws AuthorizationFailure when the request is refused
     */
    static AuthorizationRequest validate(Client client, boolean implicitAndHybridFlows, Map<String, String> parameters) {
        String clientId = value(parameters, "client_id");
        if (clientId != null && !clientId.equals(client.clientId())) {
            throw AuthorizationFailure.page("The request names two different clients.");
        }
        String redirectUri = redirectUri(client, parameters);

        // Known first, so that every later error goes back the way the client asked for (Form Post §2).
        ResponseMode mode = responseMode(parameters, implicitAndHybridFlows);
        String state = value(parameters, "state");
        if (state != null && state.length() > MAX_VALUE_CHARS) {
            // Not echoed: a state this long is no client's real state.
            throw fail(OAuthError.invalidRequest("state is too long"), redirectUri, null, mode);
        }
        Map<String, String> carried = new LinkedHashMap<>();
        for (String name : PARAMETERS) {
            String v = value(parameters, name);
            if (v != null) {
                if (v.length() > ("id_token_hint".equals(name) ? MAX_ID_TOKEN_HINT_CHARS : MAX_VALUE_CHARS)) {
                    throw fail(OAuthError.invalidRequest(name + " is too long"), redirectUri, state, mode);
                }
                carried.put(name, v);
            }
        }
        // A pushed request authenticated by Basic has no client_id among its parameters; the login form needs one.
        carried.putIfAbsent("client_id", client.clientId());
        if (carried.get("response_type") == null) {
            throw fail(OAuthError.invalidRequest("Missing parameter 'response_type'"), redirectUri, state, mode);
        }
        ResponseType responseType = supportedResponseType(carried.get("response_type"), implicitAndHybridFlows);
        if (responseType == null) {
            throw fail(new OAuthError("unsupported_response_type", implicitAndHybridFlows
                    ? "Supported response types: " + ResponseType.SUPPORTED.stream().map(ResponseType::value).toList()
                    : "Only response_type=code is supported", 400), redirectUri, state, mode);
        }
        if (!client.allows(responseType)) {
            throw fail(OAuthError.unauthorizedClient(responseType.equals(ResponseType.CODE)
                    ? "The client may not use the authorization code flow"
                    : "The client did not register response_type " + responseType.value()), redirectUri, state, mode);
        }
        if (value(parameters, "request") != null || value(parameters, "request_uri") != null) {
            throw fail(OAuthError.invalidRequest("request and request_uri cannot be nested"), redirectUri, state, mode);
        }
        String responseMode = carried.get("response_mode");
        if (responseMode != null && !responseMode.equals(mode.value())) {
            throw fail(OAuthError.invalidRequest(ResponseMode.QUERY.value().equals(responseMode)
                    ? "response_mode=query cannot carry tokens (OAuth 2.0 Multiple Response Types §5)"
                    : "response_mode must be one of " + ResponseMode.supported(implicitAndHybridFlows).stream()
                            .map(ResponseMode::value).toList()), redirectUri, state, mode);
        }
        if (responseType.idToken() && carried.get("nonce") == null) {
            // OIDC Core §3.2.2.1, §3.3.2.11: the client's only defence against a replayed ID token in the front channel.
            throw fail(OAuthError.invalidRequest("nonce is required when response_type has id_token (OIDC Core §3.2.2.1)"),
                    redirectUri, state, mode);
        }
        ClaimsRequest claims;
        try {
            claims = ClaimsRequest.parse(carried.get("claims")).withAcrValues(carried.get("acr_values"));
            claims.toJson();
            AuthenticationContext.requireSatisfiable(claims);
        } catch (OAuthException e) {
            throw fail(e.error(), redirectUri, state, mode);
        }
        Set<String> scopes;
        try {
            scopes = Scopes.grantable(client, withoutOfflineAccess(carried.get("scope")));
            if (!Objects.equals(withoutOfflineAccess(carried.get("scope")), carried.get("scope"))
                    && client.allows(GrantType.REFRESH_TOKEN)) {
                // Granted as asked where it means something, so that a refresh asking the same scope is no wider.
                scopes = new java.util.LinkedHashSet<>(scopes);
                scopes.add(OFFLINE_ACCESS);
                scopes = java.util.Collections.unmodifiableSet(scopes);
            }
        } catch (OAuthException e) {
            throw fail(e.error(), redirectUri, state, mode);
        }
        if (responseType.idToken() && !scopes.contains("openid")) {
            throw fail(OAuthError.invalidRequest("response_type id_token needs the openid scope (OIDC Core §3.2.2.1)"),
                    redirectUri, state, mode);
        }
        String challenge = carried.get("code_challenge");
        String method = carried.get("code_challenge_method");
        if (challenge == null) {
            if (method != null) {
                throw fail(OAuthError.invalidRequest("code_challenge_method without code_challenge"), redirectUri, state, mode);
            }
            if (client.isPublic() && responseType.code()) {
                throw fail(OAuthError.invalidRequest("PKCE code_challenge with method S256 is required for public clients"), redirectUri, state, mode);
            }
        } else {
            // RFC 7636 §4.3 defaults the method to plain, which RFC 9700 §2.1.1 rules out: S256 must be said.
            if (!Pkce.S256.equals(method)) {
                throw fail(OAuthError.invalidRequest("code_challenge_method must be S256"), redirectUri, state, mode);
            }
            if (!Pkce.isValidChallenge(challenge)) {
                throw fail(OAuthError.invalidRequest("Malformed code_challenge"), redirectUri, state, mode);
            }
        }
        Set<String> prompt = carried.containsKey("prompt") ? Set.copyOf(List.of(carried.get("prompt").split(" +"))) : Set.of();
        if (!PROMPTS.containsAll(prompt) || (prompt.contains("none") && prompt.size() > 1)) {
            throw fail(OAuthError.invalidRequest("Unsupported prompt value"), redirectUri, state, mode);
        }
        Duration maxAge = null;
        if (carried.containsKey("max_age")) {
            // OIDC Core §3.1.2.1: a non-negative integer of seconds. One too large for a long still means
            // "any session will do", so it saturates rather than failing.
            OptionalLong seconds = NonNegativeInteger.parse(carried.get("max_age"));
            if (seconds.isEmpty()) {
                throw fail(OAuthError.invalidRequest("max_age must be a non-negative integer"), redirectUri, state, mode);
            }
            maxAge = Duration.ofSeconds(seconds.getAsLong());
        }
        return new AuthorizationRequest(client, redirectUri, state, carried.get("nonce"), scopes, challenge, prompt, maxAge,
                carried.get("login_hint"), carried, claims, mode, responseType);
    }

    /**
     * An OpenID request's scope without {@code offline_access} (OIDC Core §11), which is understood whatever the
     * client's registered scopes: whether a refresh token is issued is decided by the client's grant types, the
     * "other conditions" §11 allows. It is granted (and shown in the token response) to a client that may use
     * refresh tokens, and ignored for others; refusing it as an unknown scope would break clients that always ask
     * for it. A non-OpenID request's scope is returned as it is (RFC 6749 §3.3: the client's registered scopes decide).
     */
    static String withoutOfflineAccess(String scope) {
        if (scope == null) {
            return null;
        }
        List<String> values = List.of(scope.strip().split(" +"));
        if (!values.contains("openid") || !values.contains(OFFLINE_ACCESS)) {
            return scope;
        }
        return String.join(" ", values.stream().filter(v -> !OFFLINE_ACCESS.equals(v)).toList());
    }

    private static AuthorizationFailure fail(OAuthError error, String redirectUri, String state, ResponseMode mode) {
        return AuthorizationFailure.redirect(error, redirectUri, state, mode);
    }

    /**
     * The response type {@code value} names, or {@code null} when it is not supported here: only {@code code}
     * unless the tenant enables the implicit and hybrid flows.
     */
    private static ResponseType supportedResponseType(String value, boolean implicitAndHybridFlows) {
        try {
            ResponseType type = ResponseType.parse(value);
            return type.frontChannel() && !implicitAndHybridFlows ? null : type;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The mode the response to {@code parameters} goes back in, errors included ({@link ResponseMode#of}). */
    private static ResponseMode responseMode(Map<String, String> parameters, boolean implicitAndHybridFlows) {
        String type = value(parameters, "response_type");
        return ResponseMode.of(value(parameters, "response_mode"),
                type == null ? null : supportedResponseType(type, implicitAndHybridFlows), implicitAndHybridFlows);
    }

    /** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
    private static String value(Map<String, String> parameters, String name) {
        String v = parameters.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
