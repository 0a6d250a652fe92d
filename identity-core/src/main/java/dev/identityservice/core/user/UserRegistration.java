package dev.identityservice.core.user;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
     * @throws IllegalArgumentException when the username is not a PRECIS username (RFC 8265 §3.4), or the
     *                                  password is not a PRECIS OpaqueString (§4) or breaks the length rule
     */
    public User register(String tenantId, String username, char[] password, UserProfile profile,
                         Set<String> roles, Map<String, String> attributes) {
        String storedName = Usernames.stored(username);
        String hash = password == null ? null : hash(password);
        Instant now = clock.instant();
        User user = new User(tenantId, UserSubjects.generate(), storedName, hash, true, profile, roles, attributes,
                null, now, now);
        users.create(user);
        return user;
    }

    /**
     * Stores a new password for {@code user} and answers the updated user. Only the hash is taken from this call:
     * it is set on a fresh copy ({@link UserStore#modify}), so a concurrent disable or demotion stays.
     *
     * @throws IllegalStateException             when the user no longer exists
     * @throws UserChangedConcurrentlyException  when the user kept changing under every attempt
     */
    public User changePassword(User user, char[] password) {
        String hash = hash(password);
        Instant now = clock.instant();
        return users.modify(user.tenantId(), user.id(), current -> current.withPasswordHash(hash, now))
                .orElseThrow(() -> new IllegalStateException("user '" + user.id() + "' does not exist"));
    }

    /**
     * Sets an imported PHC hash (a setup file's or the management API's {@code passwordHash}) on {@code user},
     * without storing it.
     *
     * @throws IllegalArgumentException when the hasher cannot verify it or it is weaker than the current
     *                                  parameters: a hash cannot show how long its password was, but it can show
     *                                  how much each guess costs, and that must not drop below the configuration
     */
    public User withImportedHash(User user, String phcHash) {
        hasher.requireAtLeastCurrentStrength(phcHash);
        return user.withPasswordHash(phcHash, clock.instant());
    }

    /** Whether {@code password} is the one {@code user}'s stored hash was made from (either PRECIS or raw form). */
    public boolean hasPassword(User user, char[] password) {
        return user.passwordHash() != null && Passwords.check(hasher, password, user.passwordHash()) != Passwords.Match.NONE;
    }

    /** Hashes the PRECIS OpaqueString form (RFC 8265 §4); the length rule counts its characters. */
    private String hash(char[] password) {
        char[] prepared;
        try {
            prepared = Passwords.prepare(password);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password must be a PRECIS OpaqueString (RFC 8265 §4): no control characters");
        }
        try {
            if (prepared.length < MIN_PASSWORD_LENGTH_CHARS || prepared.length > MAX_PASSWORD_LENGTH_CHARS) {
                throw new IllegalArgumentException("password must be " + MIN_PASSWORD_LENGTH_CHARS + " to "
                        + MAX_PASSWORD_LENGTH_CHARS + " characters");
            }
            return hasher.hash(prepared);
        } finally {
            Arrays.fill(prepared, '\0');
        }
    }
}
