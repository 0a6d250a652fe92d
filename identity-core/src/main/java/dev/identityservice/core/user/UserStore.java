package dev.identityservice.core.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Where users live; one JDBC implementation serves H2 and PostgreSQL. */
public interface UserStore {

    /** How many times {@link #modify} applies a change before it gives up on a user edited without pause: 5. */
    int MAX_MODIFY_ATTEMPTS = 5;

    /** Stores a new user with roles and attributes; {@link IllegalStateException} when the username is taken. */
    void create(User user);

    /**
     * Replaces everything of an existing user (username, hash, profile, roles, attributes, enabled) except the
     * token cut-off, which only {@link #setTokensValidAfter} moves: a copy read before a revocation must not
     * write the old cut-off back and revive the revoked tokens.
     *
     * <p>Optimistic concurrency: the row is written only if it is still at {@code user}'s {@link User#version()},
     * that is unchanged since the copy {@code user} was made from was read; a stale copy would otherwise put
     * back what a concurrent write changed (re-enable a disabled user, restore a demoted one's roles, an old
     * password hash). Callers that read and write should use {@link #modify}, which retries.
     *
     * @return the user as stored now, at the next version
     * @throws UserChangedConcurrentlyException when the row was written since the copy was read
     * @throws IllegalStateException            when the user does not exist or the new username is taken
     */
    User update(User user);

    /**
     * Reads the user, applies {@code change} and {@linkplain #update updates} it; when another write came in
     * between, reads it again and re-applies {@code change} to the fresh copy, at most
     * {@value #MAX_MODIFY_ATTEMPTS} times in all. {@code change} must therefore be a pure function of the copy
     * it is given (no hashing inside: hash first).
     *
     * @return the user as stored, or empty when there is no such user (also when deleted meanwhile)
     * @throws UserChangedConcurrentlyException when every attempt met a concurrent write
     */
    default Optional<User> modify(String tenantId, String id, UnaryOperator<User> change) {
        UserChangedConcurrentlyException last = null;
        for (int attempt = 0; attempt < MAX_MODIFY_ATTEMPTS; attempt++) {
            Optional<User> current = findById(tenantId, id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(update(change.apply(current.get())));
            } catch (UserChangedConcurrentlyException conflict) {
                last = conflict;
            }
        }
        throw last;
    }

    Optional<User> findById(String tenantId, String id);

    /** Case-insensitive lookup. */
    Optional<User> findByUsername(String tenantId, String username);

    /** Case-insensitive lookup of the password check's fields only: one query, no roles or attributes. */
    Optional<StoredCredentials> findCredentials(String tenantId, String username);

    /** Users of a tenant ordered by username. */
    List<User> list(String tenantId, int offset, int limit);

    /**
     * Users of a tenant whose username starts with {@code usernamePrefix}, compared in the form usernames are
     * compared in ({@link Usernames#key}: PRECIS case-mapped, RFC 8265 §3.3), so {@code AL} finds {@code alice};
     * ordered by that form. Served by an index.
     *
     * @param usernamePrefix at least one character
     * @throws IllegalArgumentException for an empty prefix, or an offset or limit out of range
     */
    List<User> search(String tenantId, String usernamePrefix, int offset, int limit);

    /**
     * Replaces the password hash only if it is still {@code expectedHash}, touching nothing else: the
     * rehash at login must not undo an administrator's concurrent change to the user. Moves the version on,
     * so that an update from a copy read before cannot put the old hash back.
     *
     * @return whether the hash was replaced
     */
    boolean replacePasswordHash(String tenantId, String userId, String expectedHash, String newHash, Instant now);

    /** Marks every token issued to the user before {@code instant} inactive. */
    void setTokensValidAfter(String tenantId, String userId, Instant instant);

    boolean delete(String tenantId, String id);
}
