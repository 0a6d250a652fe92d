package dev.identityservice.core.error;

import java.util.Objects;

/**
 * An OAuth 2.0 error as the client sees it: an RFC 6749 §5.2 error code, a human-readable
 * description and the HTTP status the protocol assigns to it.
 *
 * <p>Descriptions go to the client, so they never carry a secret, a token or a stack trace.
 */
public record OAuthError(String code, String description, int httpStatus) {

    public OAuthError {
        Objects.requireNonNull(code, "code");
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus must be 4xx or 5xx: " + httpStatus);
        }
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError("invalid_request", description, 400);
    }

    /** Client authentication failed (RFC 6749 §5.2); the edge adds {@code WWW-Authenticate} when Basic was used. */
    public static OAuthError invalidClient(String description) {
        return new OAuthError("invalid_client", description, 401);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError("invalid_grant", description, 400);
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError("unauthorized_client", description, 400);
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError("unsupported_grant_type", description, 400);
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError("invalid_scope", description, 400);
    }

    public static OAuthError accessDenied(String description) {
        return new OAuthError("access_denied", description, 403);
    }

    /** RFC 6750 §3.1: the access token is expired, revoked, malformed or otherwise invalid. */
    public static OAuthError invalidToken(String description) {
        return new OAuthError("invalid_token", description, 401);
    }

    /** RFC 6750 §3.1: the token is valid but lacks the scope the resource requires. */
    public static OAuthError insufficientScope(String description) {
        return new OAuthError("insufficient_scope", description, 403);
    }

    /** RFC 7009 §2.2.1: the server does not support revoking this token type. */
    public static OAuthError unsupportedTokenType(String description) {
        return new OAuthError("unsupported_token_type", description, 400);
    }

    public static OAuthError serverError() {
        return new OAuthError("server_error", "The server could not complete the request", 500);
    }

    public static OAuthError temporarilyUnavailable(String description) {
        return new OAuthError("temporarily_unavailable", description, 503);
    }

    public OAuthException exception() {
        return new OAuthException(this);
    }
}
