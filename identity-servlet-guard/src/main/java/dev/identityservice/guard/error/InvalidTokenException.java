package dev.identityservice.guard.error;

/**
 * Thrown when a request's bearer token is rejected (RFC 6750 §3.1); carries the {@link BearerError}
 * to send. The message is the error description and never contains the token.
 */
public final class InvalidTokenException extends Exception {

    private final transient BearerError error;

    public InvalidTokenException(BearerError error) {
        // No stack trace: this is a routine outcome on the request path, not a bug.
        super(error.description(), null, false, false);
        this.error = error;
    }

    /** Shorthand for an {@code invalid_token} rejection. */
    public static InvalidTokenException invalidToken(String description) {
        return new InvalidTokenException(BearerError.invalidToken(description));
    }

    /** Shorthand for an {@code invalid_request} rejection. */
    public static InvalidTokenException invalidRequest(String description) {
        return new InvalidTokenException(BearerError.invalidRequest(description));
    }

    /** The error to answer with. */
    public BearerError error() {
        return error;
    }
}
