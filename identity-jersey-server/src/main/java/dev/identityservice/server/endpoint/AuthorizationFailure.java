package dev.identityservice.server.endpoint;

import dev.identityservice.core.error.OAuthError;
import java.util.Objects;

/**
 * A refused authorization request (RFC 6749 §4.1.2.1): with a validated redirect URI it goes back to the
 * client as a redirect; without one (unknown client, unregistered redirect URI) it must not, since an
 * attacker could then use this server as an open redirector, so the user sees an error page instead.
 */
final class AuthorizationFailure extends RuntimeException {

    private final transient OAuthError error;
    private final String redirectUri;
    private final String state;
    private final ResponseMode mode;

    private AuthorizationFailure(OAuthError error, String redirectUri, String state, ResponseMode mode) {
        super(error.code(), null, false, false);
        this.error = error;
        this.redirectUri = redirectUri;
        this.state = state;
        this.mode = mode;
    }

    /** An error page (400): the redirect URI cannot be trusted. */
    static AuthorizationFailure page(String description) {
        return new AuthorizationFailure(OAuthError.invalidRequest(description), null, null, ResponseMode.QUERY);
    }

    /**
     * An error sent back to the client's validated redirect URI in {@code mode}: the query, the fragment (the
     * implicit and hybrid flows, OIDC Core §3.2.2.6) or an auto-submitted form (OAuth 2.0 Form Post Response Mode §2).
     */
    static AuthorizationFailure redirect(OAuthError error, String redirectUri, String state, ResponseMode mode) {
        return new AuthorizationFailure(error, Objects.requireNonNull(redirectUri, "redirectUri"), state,
                Objects.requireNonNull(mode, "mode"));
    }

    /** How the error goes back to the redirect URI. */
    ResponseMode mode() {
        return mode;
    }

    OAuthError error() {
        return error;
    }

    /** The validated redirect URI, or {@code null} for an error page. */
    String redirectUri() {
        return redirectUri;
    }

    String state() {
        return state;
    }
}
