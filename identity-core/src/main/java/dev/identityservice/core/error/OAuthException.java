package dev.identityservice.core.error;

/**
 * The one exception of the engine: it carries an {@link OAuthError} that the edge writes as is.
 *
 * <p>Client mistakes are expected control flow, so the exception skips the stack trace.
 */
public final class OAuthException extends RuntimeException {

    private final transient OAuthError error;

    public OAuthException(OAuthError error) {
        super(error.code() + (error.description() == null ? "" : ": " + error.description()), null, false, false);
        this.error = error;
    }

    public OAuthError error() {
        return error;
    }
}
