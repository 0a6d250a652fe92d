package dev.identityservice.core.login;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Counters of login attempts in fixed windows, shared by every instance that uses the same database.
 *
 * <p>The point of {@link #reserve} is that it counts <em>before</em> the expensive password hash and does so
 * atomically: of N concurrent attempts against a budget of L, at most L are granted, whatever N is and on
 * whichever instance they arrive.
 */
public interface LoginAttemptStore {

    /**
     * Takes one attempt from every budget, in the order given, all or nothing: when one budget is spent,
     * nothing is taken from any of them (a refused attempt costs the caller nothing and counts nowhere).
     * Callers pass budgets in one fixed order of kinds, so that concurrent reservations never deadlock.
     *
     * @return empty when granted; else the first spent budget and when its window ends
     */
    Optional<Refusal> reserve(List<AttemptBudget> budgets, Instant now);

    /** Gives back one attempt (a login that succeeded should not count against a shared budget). */
    void release(String bucket);

    /** Forgets the bucket's attempts: its count starts afresh (the row stays until its window ends). */
    void reset(String bucket);

    /** Remembers {@code bucket} as a mark until {@code until} (e.g. "the owner has signed in from here"). */
    void mark(String bucket, Instant until);

    /** Whether {@link #mark} was called for {@code bucket} with an {@code until} after {@code now}. */
    boolean isMarked(String bucket, Instant now);

    /**
     * A refused reservation.
     *
     * @param budget  the first budget that was spent
     * @param retryAt when its window ends, so that an attempt can be granted again
     */
    record Refusal(AttemptBudget budget, Instant retryAt) {
    }
}
