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
}
