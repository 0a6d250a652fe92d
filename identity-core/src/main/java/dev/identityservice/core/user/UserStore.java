package dev.identityservice.core.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where users live; one JDBC implementation serves H2 and PostgreSQL. */
public interface UserStore {

    /** Stores a new user with roles and attributes; {@link IllegalStateException} when the username is taken. */
    void create(User user);

    /**
     * Replaces everything of an existing user (username, hash, profile, roles, attributes, enabled) except the
     * token cut-off, which only {@link #setTokensValidAfter} moves: a copy read before a revocation must not
     * write the old cut-off back and revive the revoked tokens.
     */
    void update(User user);

    Optional<User> findById(String tenantId, String id);

    /** Case-insensitive lookup. */
    Optional<User> findByUsername(String tenantId, String username);

    /** Case-insensitive lookup of the password check's fields only: one query, no roles or attributes. */
    Optional<StoredCredentials> findCredentials(String tenantId, String username);

    /** Users of a tenant ordered by username. */
    List<User> list(String tenantId, int offset, int limit);

    /**
     * Replaces the password hash only if it is still {@code expectedHash}, touching nothing else: the
     * rehash at login must not undo an administrator's concurrent change to the user.
     *
     * @return whether the hash was replaced
     */
    boolean replacePasswordHash(String tenantId, String userId, String expectedHash, String newHash, Instant now);

    /** Marks every token issued to the user before {@code instant} inactive. */
    void setTokensValidAfter(String tenantId, String userId, Instant instant);

    boolean delete(String tenantId, String id);
}
