package dev.identityservice.core.login;

import java.time.Duration;
import java.util.Objects;

/**
 * One budget of login attempts: at most {@code limit} attempts in a fixed window of {@code window} that
 * starts with the bucket's first attempt.
 *
 * @param bucket an opaque key of at most {@value #MAX_BUCKET_LENGTH} characters (the server passes a hash)
 * @param limit  attempts allowed per window, at least 1
 * @param window the window's length, positive
 */
public record AttemptBudget(String bucket, int limit, Duration window) {

    /** The {@code login_attempts.bucket} column's length. */
    public static final int MAX_BUCKET_LENGTH = 64;

    public AttemptBudget {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(window, "window");
        if (bucket.isEmpty() || bucket.length() > MAX_BUCKET_LENGTH) {
            throw new IllegalArgumentException("bucket must be 1 to " + MAX_BUCKET_LENGTH + " characters");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }
}
