package dev.identityservice.server.endpoint;

import dev.identityservice.core.client.Client;
import dev.identityservice.core.client.ClientStore;
import dev.identityservice.core.client.GrantType;
import dev.identityservice.core.client.RedirectUriMatcher;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.grant.Pkce;
import dev.identityservice.core.grant.Scopes;
import dev.identityservice.core.tenant.Tenant;
import dev.identityservice.core.token.AuthenticationContext;
import dev.identityservice.core.token.ClaimsRequest;
import dev.identityservice.server.http.NonNegativeInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param formPost whether the response goes back as an auto-submitted form (OAuth 2.0 Form Post Response Mode)
 */
record AuthorizationRequest(Client client, String redirectUri, String state, String nonce, Set<String> scopes,
                            String codeChallenge, Set<String> prompt, Duration maxAge, String loginHint,
                            Map<String, String> carried, ClaimsRequest claims, boolean formPost) {

    /** The parameters a login form carries; anything else in a request is ignored (RFC 6749 §3.1). */
    static final List<String> PARAMETERS = List.of("response_type", "client_id", "redirect_uri", "scope", "state",
            "nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "response_mode", "id_token_hint",
            "claims", "acr_values");
    /** {@code query}, the default of {@code response_type=code}, and {@code form_post}. */
    static final List<String> RESPONSE_MODES = List.of("query", "form_post");
    /**
     * Every parameter RFC 6749 §4.1.1, RFC 7636 §4.3 and OIDC Core §3.1.2.1 define for this endpoint, used or
     * not: none may repeat (RFC 6749 §3.1); anything else, e.g. RFC 8707 {@code resource}, is ignored.
     */
    static final Set<String> DEFINED = Set.of("response_type", "client_id", "redirect_uri", "scope", "state",
            "response_mode", "nonce", "display", "prompt", "max_age", "ui_locales", "id_token_hint", "login_hint",
            "acr_values", "claims", "claims_locales", "request", "request_uri", "registration", "code_challenge",
            "code_challenge_method");
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
        return AuthorizationFailure.redirect(error, redirectUri, state, formPost);
    }

    /**
     * Validates {@code parameters}: first the client and redirect URI, whose failures are error pages, then
     * everything else, whose failures go back to the redirect URI with the {@code state}.
     *
     * @throws AuthorizationFailure when the request is refused
     */
    static AuthorizationRequest parse(Tenant tenant, ClientStore clients, Map<String, String> parameters) {
        String clientId = value(parameters, "client_id");
        if (clientId == null) {
            throw AuthorizationFailure.page("The request has no client_id.");
        }
        Client client = clientId.length() > 255 ? null : clients.find(tenant.id(), clientId).orElse(null);
        if (client == null) {
            throw AuthorizationFailure.page("The application that sent you here is not known.");
        }
        String requestedRedirect = value(parameters, "redirect_uri");
        String redirectUri;
        if (requestedRedirect == null) {
            // RFC 6749 §3.1.2.3: optional when exactly one redirect URI is registered.
            if (client.redirectUris().size() != 1) {
                throw AuthorizationFailure.page("The request has no redirect_uri.");
            }
            redirectUri = client.redirectUris().get(0);
        } else if (RedirectUriMatcher.matches(client.redirectUris(), requestedRedirect)) {
            redirectUri = requestedRedirect;
        } else {
            throw AuthorizationFailure.page("The redirect_uri is not registered for this application.");
        }

        // Known first, so that every later error goes back the way the client asked for (Form Post §2).
        boolean formPost = "form_post".equals(value(parameters, "response_mode"));
        String state = value(parameters, "state");
        if (state != null && state.length() > MAX_VALUE_CHARS) {
            // Not echoed: a state this long is no client's real state.
            throw fail(OAuthError.invalidRequest("state is too long"), redirectUri, null, formPost);
        }
        Map<String, String> carried = new LinkedHashMap<>();
        for (String name : PARAMETERS) {
            String v = value(parameters, name);
            if (v != null) {
                if (v.length() > ("id_token_hint".equals(name) ? MAX_ID_TOKEN_HINT_CHARS : MAX_VALUE_CHARS)) {
                    throw fail(OAuthError.invalidRequest(name + " is too long"), redirectUri, state, formPost);
                }
                carried.put(name, v);
            }
        }
        String responseType = carried.get("response_type");
        if (responseType == null) {
            throw fail(OAuthError.invalidRequest("Missing parameter 'response_type'"), redirectUri, state, formPost);
        }
        if (!"code".equals(responseType)) {
            throw fail(new OAuthError("unsupported_response_type", "Only response_type=code is supported", 400), redirectUri, state, formPost);
        }
        if (!client.allows(GrantType.AUTHORIZATION_CODE)) {
            throw fail(OAuthError.unauthorizedClient("The client may not use the authorization code flow"), redirectUri, state, formPost);
        }
        if (value(parameters, "request") != null) {
            throw fail(new OAuthError("request_not_supported", "Request objects are not supported", 400), redirectUri, state, formPost);
        }
        if (value(parameters, "request_uri") != null) {
            throw fail(new OAuthError("request_uri_not_supported", "request_uri is not supported", 400), redirectUri, state, formPost);
        }
        String responseMode = carried.get("response_mode");
        if (responseMode != null && !RESPONSE_MODES.contains(responseMode)) {
            throw fail(OAuthError.invalidRequest("response_mode must be query or form_post"), redirectUri, state, formPost);
        }
        ClaimsRequest claims;
        try {
            claims = ClaimsRequest.parse(carried.get("claims")).withAcrValues(carried.get("acr_values"));
            claims.toJson();
            AuthenticationContext.requireSatisfiable(claims);
        } catch (OAuthException e) {
            throw fail(e.error(), redirectUri, state, formPost);
        }
        Set<String> scopes;
        try {
            scopes = Scopes.grantable(client, carried.get("scope"));
        } catch (OAuthException e) {
            throw fail(e.error(), redirectUri, state, formPost);
        }
        String challenge = carried.get("code_challenge");
        String method = carried.get("code_challenge_method");
        if (challenge == null) {
            if (method != null) {
                throw fail(OAuthError.invalidRequest("code_challenge_method without code_challenge"), redirectUri, state, formPost);
            }
            if (client.isPublic()) {
                throw fail(OAuthError.invalidRequest("PKCE code_challenge with method S256 is required for public clients"), redirectUri, state, formPost);
            }
        } else {
            // RFC 7636 §4.3 defaults the method to plain, which RFC 9700 §2.1.1 rules out: S256 must be said.
            if (!Pkce.S256.equals(method)) {
                throw fail(OAuthError.invalidRequest("code_challenge_method must be S256"), redirectUri, state, formPost);
            }
            if (!Pkce.isValidChallenge(challenge)) {
                throw fail(OAuthError.invalidRequest("Malformed code_challenge"), redirectUri, state, formPost);
            }
        }
        Set<String> prompt = carried.containsKey("prompt") ? Set.copyOf(List.of(carried.get("prompt").split(" +"))) : Set.of();
        if (!PROMPTS.containsAll(prompt) || (prompt.contains("none") && prompt.size() > 1)) {
            throw fail(OAuthError.invalidRequest("Unsupported prompt value"), redirectUri, state, formPost);
        }
        Duration maxAge = null;
        if (carried.containsKey("max_age")) {
            // OIDC Core §3.1.2.1: a non-negative integer of seconds. One too large for a long still means
            // "any session will do", so it saturates rather than failing.
            OptionalLong seconds = NonNegativeInteger.parse(carried.get("max_age"));
            if (seconds.isEmpty()) {
                throw fail(OAuthError.invalidRequest("max_age must be a non-negative integer"), redirectUri, state, formPost);
            }
            maxAge = Duration.ofSeconds(seconds.getAsLong());
        }
        return new AuthorizationRequest(client, redirectUri, state, carried.get("nonce"), scopes, challenge, prompt, maxAge,
                carried.get("login_hint"), carried, claims, formPost);
    }

    private static AuthorizationFailure fail(OAuthError error, String redirectUri, String state, boolean formPost) {
        return AuthorizationFailure.redirect(error, redirectUri, state, formPost);
    }

    /** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
    private static String value(Map<String, String> parameters, String name) {
        String v = parameters.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
