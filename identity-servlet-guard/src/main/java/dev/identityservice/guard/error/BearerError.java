package dev.identityservice.guard.error;

import java.util.Objects;

/**
 * A bearer-token error as defined by RFC 6750 §3.1: an error code, the HTTP status it implies, a
 * human-readable description and, for {@code insufficient_scope}, the scope that was needed.
 *
 * <p>The description goes to the client; it must never contain the token or anything secret.
 *
 * @param code        the RFC 6750 §3.1 error code
 * @param description what was wrong, in words safe to show to the client; may be empty
 * @param scope       for {@code insufficient_scope}, the roles or scopes that would have sufficed;
 *                    otherwise empty
 */
public record BearerError(Code code, String description, String scope) {

    /** The error codes of RFC 6750 §3.1, each with the status it implies. */
    public enum Code {
        /** Malformed request: bad header, two tokens, a token in the URI (400). */
        INVALID_REQUEST("invalid_request", 400),
        /** Expired, revoked, malformed or otherwise invalid token (401). */
        INVALID_TOKEN("invalid_token", 401),
        /** A valid token without the role or scope the resource requires (403). */
        INSUFFICIENT_SCOPE("insufficient_scope", 403);

        private final String value;
        private final int status;

        Code(String value, int status) {
            this.value = value;
            this.status = status;
        }

        /** The error code as written in the {@code error} attribute. */
        public String value() {
            return value;
        }

        /** The HTTP status code that goes with this error. */
        public int status() {
            return status;
        }
    }

    public BearerError {
        Objects.requireNonNull(code, "code");
        description = description == null ? "" : description;
        scope = scope == null ? "" : scope;
    }

    /** An {@code invalid_request} error (400). */
    public static BearerError invalidRequest(String description) {
        return new BearerError(Code.INVALID_REQUEST, description, "");
    }

    /** An {@code invalid_token} error (401). */
    public static BearerError invalidToken(String description) {
        return new BearerError(Code.INVALID_TOKEN, description, "");
    }

    /** An {@code insufficient_scope} error (403) naming what would have sufficed. */
    public static BearerError insufficientScope(String description, String scope) {
        return new BearerError(Code.INSUFFICIENT_SCOPE, description, scope);
    }

    /** The HTTP status code for this error. */
    public int status() {
        return code.status();
    }
}
