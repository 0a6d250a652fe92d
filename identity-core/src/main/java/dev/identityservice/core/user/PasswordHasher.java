package dev.identityservice.core.user;

/**
 * Hashes and verifies passwords as self-describing PHC strings, so that parameters can be
 * raised later and old hashes upgraded at the next successful login.
 */
public interface PasswordHasher {

    String hash(char[] password);

    /** Constant-time comparison of the derived hash; {@code false} for a malformed or foreign hash. */
    boolean verify(char[] password, String phcHash);

    /** Whether the hash was made with other (weaker) parameters than the current ones. */
    boolean needsRehash(String phcHash);

    /**
     * Fails unless {@code phcHash} is a hash this hasher verifies, made with parameters at least as costly as
     * the current ones in every dimension; for hashes brought in from elsewhere (import, management API).
     *
     * @throws IllegalArgumentException naming what is missing or weaker
     */
    void requireAtLeastCurrentStrength(String phcHash);

    /**
     * Refuses now, as {@link #hash} and {@link #verify} would, when a hash asked for at this moment would be refused at
     * once because every running slot and every place in the queue is taken. Callers ask before the work that only a
     * hash needs (login-throttle counters in the database, the user's lookup), so that a login storm's refusals cost
     * almost nothing (issue 13: a refusal after that work cost as much CPU as a signed token). A hint read without a
     * lock: a hash that finishes meanwhile may leave room that this refusal did not see, and {@link #hash} and
     * {@link #verify} still enforce the limits themselves. Does nothing for a hasher without limits.
     *
     * @throws PasswordHashingBusyException when hashing is at capacity (nothing was reserved)
     */
    default void requireCapacity() {
    }

    /**
     * Drops the memory this hasher keeps between hashes for reuse, if it can do so without waiting: called when the
     * server has been idle a while, so that the heap can shrink. The next hash allocates that memory again, once.
     *
     * @return {@code false} when a hash is running, so that nothing was dropped (try again later); {@code true}
     *         otherwise, also when there was nothing to drop
     */
    default boolean releasePooledMemory() {
        return true;
    }
}
