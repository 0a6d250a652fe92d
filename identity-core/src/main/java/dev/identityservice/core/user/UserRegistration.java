package dev.identityservice.core.user;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Creates users from a plain password and changes passwords: hashes with the current parameters,
 * assigns a random UUID as the stable subject, and stamps times from the injected clock.
 *
 * <p>Password length follows NIST SP 800-63B §5.1.1.2: at least {@value #MIN_PASSWORD_LENGTH_CHARS}
 * characters, no composition rules, and long passphrases accepted.
 */
public final class UserRegistration {

    public static final int MIN_PASSWORD_LENGTH_CHARS = 8;
    public static final int MAX_PASSWORD_LENGTH_CHARS = 1024;

    private final UserStore users;
    private final PasswordHasher hasher;
    private final Clock clock;

    public UserRegistration(UserStore users, PasswordHasher hasher, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores a new enabled user; {@code password} may be {@code null} for a user who cannot log in with one.
     *
     * @throws IllegalStateException    when the username is taken
     * @throws IllegalArgumentException when the password breaks the length rule
     */
    public User register(String tenantId, String username, char[] password, UserProfile profile,
                         Set<String> roles, Map<String, String> attributes) {
        String hash = password == null ? null : hash(password);
        Instant now = clock.instant();
        User user = new User(tenantId, UUID.randomUUID().toString(), username, hash, true, profile, roles, attributes,
                null, now, now);
        users.create(user);
        return user;
    }

    /** Stores a new password for {@code user} and answers the updated user. */
    public User changePassword(User user, char[] password) {
        User updated = user.withPasswordHash(hash(password), clock.instant());
        users.update(updated);
        return updated;
    }

    private String hash(char[] password) {
        if (password.length < MIN_PASSWORD_LENGTH_CHARS || password.length > MAX_PASSWORD_LENGTH_CHARS) {
            throw new IllegalArgumentException("password must be " + MIN_PASSWORD_LENGTH_CHARS + " to "
                    + MAX_PASSWORD_LENGTH_CHARS + " characters");
        }
        return hasher.hash(password);
    }
}
