package dev.identityservice.core.user;

import dev.identityservice.core.error.OAuthError;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks a username and password, as the resource owner password grant (RFC 6749 §4.3) and the login
 * page need it, and upgrades the stored hash when the hashing parameters have been raised.
 *
 * <p>The username is found by its PRECIS UsernameCaseMapped key and the password is checked in its PRECIS
 * OpaqueString form (RFC 8265, see {@link Usernames} and {@link Passwords}); a hash made before PRECIS of the
 * raw password still verifies once and is replaced by a hash of the prepared form.
 *
 * <p>Every failure is the same {@code invalid_grant} error, and every attempt costs one password hash (two
 * when the typed password differs from its PRECIS form, for known and unknown users alike):
 * an unknown user, a user without a password and a disabled user are verified against a dummy hash made
 * with the current parameters (made by the first login that needs it), so that neither the answer nor its timing tells which usernames exist. For
 * the same reason the check reads only the user's credentials (one query, whether or not the name exists);
 * the whole user, with roles and attributes, is read after the password has matched.
 */
public final class UserAuthenticator {

    /** The one error of every failed login. */
    public static final OAuthError INVALID_CREDENTIALS = OAuthError.invalidGrant("Invalid username or password");

    private final UserStore users;
    private final PasswordHasher hasher;
    private final Clock clock;
    /**
     * Made by the first login that needs it, not at construction: a hash made in the background at start-up took
     * the one hashing slot that start-up's own hashes (the bootstrap admin's password, an import) then were refused.
     */
    private final AtomicReference<String> dummyHash = new AtomicReference<>();

    public UserAuthenticator(UserStore users, PasswordHasher hasher, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The dummy hash, made now if no login has made it yet.
     *
     * @throws PasswordHashingBusyException when hashing is at capacity while it is made: the caller is answered like
     *         any login past capacity, and a later login makes it
     */
    private String dummyHash() {
        String made = dummyHash.get();
        if (made == null) {
            dummyHash.compareAndSet(null, hasher.hash(randomPassword()));
            made = dummyHash.get();
        }
        return made;
    }

    /**
     * Refuses a login now when password hashing is at capacity ({@link PasswordHasher#requireCapacity}), before the
     * caller reserves login attempts or anything else that only a checked password needs.
     *
     * @throws PasswordHashingBusyException when every hashing slot and queue place is taken; nothing was checked
     */
    public void requireHashingCapacity() {
        hasher.requireCapacity();
    }

    /**
     * The enabled user of {@code tenantId} whose username and password these are; the caller clears
     * {@code password} afterwards.
     *
     * @throws dev.identityservice.core.error.OAuthException with {@link #INVALID_CREDENTIALS} on any mismatch
     */
    public User authenticate(String tenantId, String username, char[] password) {
        return authenticate(tenantId, username, password, true);
    }

    /**
     * @param retryIfRehashed whether a hash replaced between the two reads (a concurrent login of the same user
     *                        upgrading it: issue 13's login storm saw a right password refused) is checked once more
     *                        against the hash now stored; a real password change then refuses the old password
     */
    private User authenticate(String tenantId, String username, char[] password, boolean retryIfRehashed) {
        Optional<StoredCredentials> found = username == null || username.isBlank() || password == null
                ? Optional.empty() : users.findCredentials(tenantId, username);
        String storedHash = found.map(StoredCredentials::passwordHash).orElse(null);
        Passwords.Match match = password == null ? Passwords.Match.NONE
                : Passwords.check(hasher, password, storedHash != null ? storedHash : dummyHash());
        if (match == Passwords.Match.NONE || storedHash == null || !found.get().enabled()) {
            throw INVALID_CREDENTIALS.exception();
        }
        // Deleted, disabled or given another hash between the two reads: the password matched a user that is no
        // longer there as it was. Another hash is most often a concurrent login's upgrade of the same password.
        User user = users.findById(tenantId, found.get().userId())
                .filter(User::enabled)
                .orElseThrow(INVALID_CREDENTIALS::exception);
        if (!storedHash.equals(user.passwordHash())) {
            if (retryIfRehashed) {
                return authenticate(tenantId, username, password, false);
            }
            throw INVALID_CREDENTIALS.exception();
        }
        if (match == Passwords.Match.RAW || hasher.needsRehash(storedHash)) {
            String upgraded = upgradedHash(password);
            // Conditional: a concurrent password change or a second login that upgraded first wins.
            Instant now = clock.instant();
            if (upgraded != null && users.replacePasswordHash(tenantId, user.id(), storedHash, upgraded, now)) {
                return user.withPasswordHash(upgraded, now).withVersion(user.version() + 1); // the rehash moved it on
            }
        }
        return user;
    }

    /**
     * The hash of the password's PRECIS form (RFC 8265 §4); a password stored before PRECIS that OpaqueString
     * refuses (a control character) keeps its hash, since rehashing its raw form would keep the old rule alive.
     * {@code null} too when hashing is at capacity: the password was right, so the login succeeds, and the
     * upgrade waits for the next one.
     */
    private String upgradedHash(char[] password) {
        char[] prepared = Passwords.prepareOrNull(password);
        if (prepared == null) {
            return null;
        }
        try {
            return hasher.hash(prepared);
        } catch (PasswordHashingBusyException busy) {
            return null;
        } finally {
            Arrays.fill(prepared, '\0');
        }
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).toCharArray();
    }
}
