package dev.identityservice.core.error;

import java.util.Objects;

/**
 * An OAuth 2.0 error as the client sees it: an RFC 6749 §5.2 error code, a human-readable
 * description and the HTTP status the protocol assigns to it.
 *
 * <p>Descriptions go to the client, so they never carry a secret, a token or a stack trace. They are kept to the
 * characters RFC 6749 §4.1.2.1, §4.2.2.1 and §5.2 allow ({@code %x20-21 / %x23-5B / %x5D-7E}: printable ASCII
 * without {@code "} and {@code \}), whichever way they travel (JSON, a redirect's query or fragment, a form post, a
 * {@code WWW-Authenticate} challenge): a section sign becomes the word "section", {@code "} becomes {@code '}, any
 * other character outside the set {@code ?}.
 */
public record OAuthError(String code, String description, int httpStatus) {

    public OAuthError {
        Objects.requireNonNull(code, "code");
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("httpStatus must be 4xx or 5xx: " + httpStatus);
        }
        description = description == null ? null : printableAscii(description);
    }

    /** {@code text} in RFC 6749's error_description characters (see the class comment). */
    static String printableAscii(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
            if (!allowed && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                out.append(allowed ? String.valueOf(c) : c == '\u00a7' ? "section " : c == '"' ? "'" : "?");
            }
        }
        return out == null ? text : out.toString();
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
