package dev.identityservice.core.user;

import dev.identityservice.core.Limits;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A user of one tenant.
 *
 * @param id               stable subject identifier ({@code sub}); a UUID
 * @param username         unique per tenant by its PRECIS UsernameCaseMapped form ({@link Usernames})
 * @param passwordHash     a PHC string (e.g. {@code $argon2id$v=19$m=...}), or {@code null} when no password login is possible
 * @param attributes       extra attributes that clients can map into claims
 * @param tokensValidAfter tokens issued before this instant are inactive; {@code null} when never revoked
 * @param version          how many times the stored row has been written since it was created (0 for a new
 *                         user); the {@code with...} copies keep it, so that {@link UserStore#update} can tell a
 *                         copy of the current row from a stale one
 */
public record User(String tenantId, String id, String username, String passwordHash, boolean enabled,
                   UserProfile profile, Set<String> roles, Map<String, String> attributes,
                   Instant tokensValidAfter, Instant createdAt, Instant updatedAt, long version) {

    public User {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (username.isBlank() || username.length() > Limits.MAX_NAME_CHARS) {
            throw new IllegalArgumentException("username must be 1 to " + Limits.MAX_NAME_CHARS + " characters");
        }
        profile = profile == null ? UserProfile.EMPTY : profile;
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        for (String role : roles) {
            requireName("role", role);
        }
        attributes.forEach((name, value) -> {
            requireName("attribute name", name);
            Limits.atMost("attribute " + name, value, Limits.MAX_ATTRIBUTE_VALUE_CHARS);
        });
    }

    /** A user not stored yet, or a copy of version 0. */
    public User(String tenantId, String id, String username, String passwordHash, boolean enabled,
                UserProfile profile, Set<String> roles, Map<String, String> attributes,
                Instant tokensValidAfter, Instant createdAt, Instant updatedAt) {
        this(tenantId, id, username, passwordHash, enabled, profile, roles, attributes, tokensValidAfter, createdAt,
                updatedAt, 0);
    }

    private static void requireName(String field, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        Limits.atMost(field, value, Limits.MAX_NAME_CHARS);
    }

    /**
     * Whether a token (access or refresh), code or session issued at {@code issuedAt} outlives the user's last
     * "revoke everything": issued at or after {@link #tokensValidAfter}, a whole second, so a JWT's truncated
     * {@code iat} and a stored instant with microseconds compare alike. The one place this is decided.
     */
    public boolean acceptsTokensIssuedAt(Instant issuedAt) {
        return tokensValidAfter == null || !issuedAt.isBefore(tokensValidAfter);
    }

    /** The form in which usernames are compared and indexed: {@link Usernames#key} (PRECIS, RFC 8265 §3.3). */
    public static String normalize(String username) {
        return Usernames.key(username);
    }

    public User withPasswordHash(String hash, Instant now) {
        return new User(tenantId, id, username, hash, enabled, profile, roles, attributes, tokensValidAfter, createdAt, now, version);
    }

    public User withRoles(Set<String> newRoles, Instant now) {
        return new User(tenantId, id, username, passwordHash, enabled, profile, newRoles, attributes, tokensValidAfter, createdAt, now, version);
    }

    public User withProfile(UserProfile newProfile, Map<String, String> newAttributes, Instant now) {
        return new User(tenantId, id, username, passwordHash, enabled, newProfile, roles, newAttributes, tokensValidAfter, createdAt, now, version);
    }

    /** This user as stored at {@code storedVersion}; for stores. */
    public User withVersion(long storedVersion) {
        return new User(tenantId, id, username, passwordHash, enabled, profile, roles, attributes, tokensValidAfter,
                createdAt, updatedAt, storedVersion);
    }

    public User withEnabled(boolean isEnabled, Instant now) {
        return new User(tenantId, id, username, passwordHash, isEnabled, profile, roles, attributes, tokensValidAfter, createdAt, now, version);
    }
}
