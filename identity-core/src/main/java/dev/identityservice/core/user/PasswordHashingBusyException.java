package dev.identityservice.core.user;

/**
 * A password could not be hashed or verified now because every hashing slot is busy and the queue is full or
 * the wait ran out ({@link PasswordHashingLimits}). Nothing was checked: the caller answers 503 with
 * {@code Retry-After} ({@link #retryAfterSeconds()}, RFC 9110 §15.6.4 and §10.2.3) and the attempt does not count
 * as a failed login.
 */
public final class PasswordHashingBusyException extends RuntimeException {

    private final long retryAfterSeconds;

    public PasswordHashingBusyException(long retryAfterSeconds) {
        super("Password hashing is at capacity", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When to retry, in whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
