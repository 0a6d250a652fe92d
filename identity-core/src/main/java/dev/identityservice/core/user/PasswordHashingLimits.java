package dev.identityservice.core.user;

import java.time.Duration;
import java.util.Objects;

/**
 * How many password hashes run at once, how many more may wait for one of them, and how long one waits.
 *
 * <p>A hash is CPU-bound and holds its Argon2id memory (19 MiB at OWASP parameters) while it runs, so running
 * more at once than there are cores only shares the cores while the heap grows. Requests past {@code concurrency}
 * wait in arrival order (FIFO); past {@code concurrency + queue} in the system, or after {@code maxWait} in the
 * queue, the hasher refuses with {@link PasswordHashingBusyException} instead of letting a login storm build a
 * queue of seconds that every later login waits behind.
 *
 * @param concurrency hashes running at once, from 1 to {@link #MAX_CONCURRENCY}
 * @param queue       hashes waiting for a running one to finish, from 0 to {@link #MAX_QUEUE}
 * @param maxWait     the longest a hash waits in the queue, from 1 ms to 1 minute
 */
public record PasswordHashingLimits(int concurrency, int queue, Duration maxWait) {

    /** Default concurrency: one hash per core the JVM sees. */
    public static final int DEFAULT_CONCURRENCY = Runtime.getRuntime().availableProcessors();
    /**
     * Default waiting hashes per running one: 32, what the default wait lets drain. At OWASP parameters a hash takes
     * about 60 ms of CPU, so a full queue drains in about two seconds ({@link #DEFAULT_MAX_WAIT}); a shorter queue
     * refuses logins the hashes could still serve in time, and a closed-loop storm of more clients than the queue
     * holds then spends the cores on refusals instead of hashes (issue 13, 64 connections on 2 cores, one loaded
     * window: 5-7 grants/s with 16 per slot, 10.5/s with 64; BENCHMARKS.md).
     */
    public static final int DEFAULT_QUEUE_PER_SLOT = 32;
    /** Default longest wait in the queue: 2 seconds, well below the time-outs of HTTP clients. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(2);
    /** The defaults: {@link #DEFAULT_CONCURRENCY} running, 32 per running one waiting, 2 seconds of wait. */
    public static final PasswordHashingLimits DEFAULTS = of(DEFAULT_CONCURRENCY);

    /**
     * The most hashes running at once: each running one keeps its own Argon2id memory for good (19 MiB at OWASP
     * parameters), so a thousand already pin 19 GiB; more is a typo, not a machine.
     */
    public static final int MAX_CONCURRENCY = 1024;
    /**
     * The most hashes waiting: at a few milliseconds per hash at the least, more could not drain within the longest
     * wait (1 minute). Also keeps {@code concurrency + queue} far from overflowing an {@code int}: past it every hash
     * was refused.
     */
    public static final int MAX_QUEUE = 100_000;

    public PasswordHashingLimits {
        Objects.requireNonNull(maxWait, "maxWait");
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be from 1 to " + MAX_CONCURRENCY + ": " + concurrency);
        }
        if (queue < 0 || queue > MAX_QUEUE) {
            throw new IllegalArgumentException("queue must be from 0 to " + MAX_QUEUE + ": " + queue);
        }
        if (maxWait.compareTo(Duration.ofMillis(1)) < 0 || maxWait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("maxWait must be from 1ms to 1m: " + maxWait);
        }
    }

    /** {@code concurrency} running, {@link #DEFAULT_QUEUE_PER_SLOT} per running one waiting, the default wait. */
    public static PasswordHashingLimits of(int concurrency) {
        return new PasswordHashingLimits(concurrency, DEFAULT_QUEUE_PER_SLOT * Math.max(1, concurrency), DEFAULT_MAX_WAIT);
    }

    /** The {@code Retry-After} a refused caller is told, in whole seconds (RFC 9110 §10.2.3): the wait bound, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (maxWait.toMillis() + 999) / 1000);
    }
}
