package dev.identityservice.guard.error;

import java.time.Duration;

/**
 * Thrown when a token cannot be checked right now because the issuer's keys or its introspection
 * endpoint are unreachable and nothing usable is cached. Answered with 503 and {@code Retry-After},
 * never 401: the token may well be valid.
 */
public final class VerificationUnavailableException extends Exception {

    private final Duration retryAfter;

    public VerificationUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait before trying again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, at least one, for the {@code Retry-After} header. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
