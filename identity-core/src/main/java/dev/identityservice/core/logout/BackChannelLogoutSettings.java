package dev.identityservice.core.logout;

import java.time.Duration;
import java.util.Objects;

/**
 * How back-channel logout tokens are delivered (OpenID Connect Back-Channel Logout 1.0 §2.5, §2.8): each POST
 * waits at most {@code requestTimeout}; a failed one is retried after {@code firstRetryDelay}, doubling up to
 * {@link #MAX_RETRY_DELAY}, until {@code maxAttempts} attempts or {@code maxAge} after the session ended;
 * at most {@code concurrency} POSTs are in flight per server instance; the queue is read every
 * {@code pollInterval} (and at once when this instance ends a session). A logout found older than
 * {@code maxAge} (every instance was down meanwhile) still gets one attempt: a late logout is better than none.
 */
public record BackChannelLogoutSettings(Duration requestTimeout, int maxAttempts, Duration maxAge, Duration firstRetryDelay,
                                        int concurrency, Duration pollInterval) {

    /** Per POST, connection included: a slow receiver holds one sender slot at most this long. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Attempts per logout, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    /** After this long past the session's end a logout is given up, however few attempts were made. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);
    /** The delay before the first retry; each further retry waits twice as long, up to {@link #MAX_RETRY_DELAY}. */
    public static final Duration DEFAULT_FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    /** POSTs in flight at once per instance. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** How often each instance looks for due logouts (those queued elsewhere, retries, leases run out). */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** The longest wait between two attempts. */
    public static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(2);

    public static final BackChannelLogoutSettings DEFAULTS = new BackChannelLogoutSettings(DEFAULT_REQUEST_TIMEOUT,
            DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_AGE, DEFAULT_FIRST_RETRY_DELAY, DEFAULT_CONCURRENCY, DEFAULT_POLL_INTERVAL);

    public BackChannelLogoutSettings {
        positive("requestTimeout", requestTimeout);
        positive("maxAge", maxAge);
        positive("firstRetryDelay", firstRetryDelay);
        positive("pollInterval", pollInterval);
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be 1 to 100: " + maxAttempts);
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency must be 1 to 256: " + concurrency);
        }
        if (requestTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("requestTimeout must be at most 1m: " + requestTimeout);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** The wait after the {@code attempts}-th failed attempt (1-based): doubling from {@code firstRetryDelay}. */
    public Duration retryDelay(int attempts) {
        Duration delay = firstRetryDelay;
        for (int i = 1; i < attempts && delay.compareTo(MAX_RETRY_DELAY) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
    }

    /**
     * How long an instance holds a taken logout: its POST's bound plus a margin for the database writes. Past it
     * (the instance died mid-delivery) any instance may send it again: delivery is at least once.
     */
    public Duration lease() {
        return requestTimeout.plusSeconds(10);
    }
}
