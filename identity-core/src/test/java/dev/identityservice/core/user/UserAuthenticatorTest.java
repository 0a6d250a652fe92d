package dev.identityservice.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.error.OAuthException;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.testing.CountingPasswordHasher;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.core.testing.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UserAuthenticatorTest {

    private static final Argon2idParameters WEAK = new Argon2idParameters(64, 1, 1, 16, 32);
    private static final Argon2idParameters STRONGER = new Argon2idParameters(128, 2, 1, 16, 32);
    private static final char[] PASSWORD = "correct horse battery".toCharArray();

    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private Database database;
    private JdbcUserStore users;
    private CountingPasswordHasher hasher;
    private UserAuthenticator authenticator;

    @BeforeEach
    void setUp() {
        database = TestDatabases.h2();
        TestUsers.createTenant(database, TestUsers.TENANT);
        users = new JdbcUserStore(database);
        hasher = new CountingPasswordHasher(new Argon2idPasswordHasher(WEAK, new SecureRandom()));
        authenticator = new UserAuthenticator(users, hasher, clock);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void authenticateWhenPasswordRightThenUserWithoutRehash() {
        User alice = store(TestUsers.complete("Alice", hasher.hash(PASSWORD)));
        awaitDummyHash(authenticator);
        int hashesBefore = hasher.hashes();

        assertEquals(alice, authenticator.authenticate(TestUsers.TENANT, "alice", PASSWORD));
        assertEquals(hashesBefore, hasher.hashes());
    }

    @Test
    void authenticateWhenUnknownUserOrWrongPasswordThenSameError() {
        store(TestUsers.complete("alice", hasher.hash(PASSWORD)));

        OAuthError wrongPassword = failure("alice", "wrong password".toCharArray());
        OAuthError unknownUser = failure("mallory", PASSWORD);

        assertEquals("invalid_grant", wrongPassword.code());
        assertEquals("Invalid username or password", wrongPassword.description());
        assertEquals(wrongPassword, unknownUser);
    }

    @Test
    void authenticateWhenUnknownUserThenOnePasswordVerificationRunsLikeForAWrongPassword() {
        store(TestUsers.complete("alice", hasher.hash(PASSWORD)));
        int before = hasher.verifications();

        failure("alice", "wrong password".toCharArray());
        assertEquals(before + 1, hasher.verifications());
        failure("mallory", PASSWORD);
        assertEquals(before + 2, hasher.verifications());
    }

    /** The raw-form fallback for pre-PRECIS hashes must not tell known from unknown users by its cost. */
    @Test
    void authenticateWhenPasswordDiffersFromItsPrecisFormThenTwoVerificationsForKnownAndUnknownUsersAlike() {
        store(TestUsers.complete("zo\u00eb", hasher.hash("cr\u00e8me br\u00fbl\u00e9e".toCharArray())));
        awaitDummyHash(authenticator);
        char[] wrongNfd = "cre\u0300me bru\u0302le\u0301e!".toCharArray();

        int before = hasher.verifications();
        assertThrows(OAuthException.class, () -> authenticator.authenticate(TestUsers.TENANT, "zoe\u0308", wrongNfd));
        assertEquals(before + 2, hasher.verifications());
        assertThrows(OAuthException.class, () -> authenticator.authenticate(TestUsers.TENANT, "nobody", wrongNfd));
        assertEquals(before + 4, hasher.verifications());
        assertThrows(OAuthException.class, () -> authenticator.authenticate(TestUsers.TENANT, "zoe\u0308", "wrong ascii".toCharArray()));
        assertEquals(before + 5, hasher.verifications(), "an ASCII password is its own PRECIS form: one verification");
    }

    @Test
    void authenticateWhenUserDisabledOrWithoutPasswordThenSameErrorAfterAVerification() {
        store(TestUsers.complete("alice", hasher.hash(PASSWORD)).withEnabled(false, TestUsers.CREATED));
        store(TestUsers.minimal("bob", null));
        OAuthError expected = failure("mallory", PASSWORD);
        int before = hasher.verifications();

        assertEquals(expected, failure("alice", PASSWORD));
        assertEquals(expected, failure("bob", PASSWORD));
        assertEquals(expected, failure("bob", new char[0]));
        assertEquals(expected, failure("", PASSWORD));
        assertEquals(before + 4, hasher.verifications());
    }

    @Test
    void constructorWhenCalledThenDummyHashUsesCurrentParameters() {
        // The dummy hash must cost what a real one costs: made by the current hasher, hence its parameters.
        // It is made in the background, so start-up does not wait for it; the first unknown user does.
        CountingPasswordHasher own = new CountingPasswordHasher(new Argon2idPasswordHasher(WEAK, new SecureRandom()));
        UserAuthenticator fresh = new UserAuthenticator(users, own, clock);
        org.junit.jupiter.api.Assertions.assertThrows(dev.identityservice.core.error.OAuthException.class,
                () -> fresh.authenticate(TestUsers.TENANT, "nobody", PASSWORD));

        assertEquals(1, own.hashes());
        assertEquals(1, own.verifications());
    }

    @Test
    void authenticateWhenDummyHashWasRefusedForCapacityThenBusyOnceAndLaterUnknownUsersInvalidGrant() throws Exception {
        // Queue 0: the dummy hash, made while a costly verify holds the one slot, is refused for capacity.
        Argon2idPasswordHasher limited = new Argon2idPasswordHasher(WEAK, new SecureRandom(),
                new PasswordHashingLimits(1, 0, Duration.ofSeconds(1)));
        String costly = new Argon2idPasswordHasher(new Argon2idParameters(32 * 1024, 8, 1, 16, 32), new SecureRandom())
                .hash(PASSWORD);
        java.util.concurrent.CompletableFuture<Boolean> holding =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> limited.verify(PASSWORD, costly));
        while (limited.hashesRunning() == 0) {
            Thread.sleep(1);
        }
        UserAuthenticator starting = new UserAuthenticator(users, limited, clock);

        assertThrows(PasswordHashingBusyException.class, () -> starting.authenticate(TestUsers.TENANT, "nobody", PASSWORD));
        assertTrue(holding.get(60, java.util.concurrent.TimeUnit.SECONDS));

        // Before the fix a refused dummy hash stayed failed: every unknown username was a 500 from then on.
        assertEquals(UserAuthenticator.INVALID_CREDENTIALS, assertThrows(OAuthException.class,
                () -> starting.authenticate(TestUsers.TENANT, "nobody", PASSWORD)).error());
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void authenticateWhenHashHasWeakerParametersThenUpgradedHashStored(DatabaseKind kind) {
        try (Database db = TestDatabases.open(kind)) {
            TestUsers.createTenant(db, TestUsers.TENANT);
            JdbcUserStore store = new JdbcUserStore(db);
            Argon2idPasswordHasher weak = new Argon2idPasswordHasher(WEAK, new SecureRandom());
            User alice = TestUsers.complete("alice", weak.hash(PASSWORD));
            store.create(alice);
            CountingPasswordHasher stronger = new CountingPasswordHasher(new Argon2idPasswordHasher(STRONGER, new SecureRandom()));
            UserAuthenticator upgrading = new UserAuthenticator(store, stronger, clock);
            clock.advance(Duration.ofDays(1));
            Instant loginTime = clock.instant();

            User returned = upgrading.authenticate(TestUsers.TENANT, "alice", PASSWORD);

            User stored = store.findById(TestUsers.TENANT, alice.id()).orElseThrow();
            assertTrue(stored.passwordHash().startsWith("$argon2id$v=19$m=128,t=2,p=1$"), stored.passwordHash());
            assertFalse(stronger.needsRehash(stored.passwordHash()));
            assertTrue(stronger.verify(PASSWORD, stored.passwordHash()));
            assertEquals(alice.withPasswordHash(stored.passwordHash(), loginTime).withVersion(1), stored);
            assertEquals(stored, returned);

            awaitDummyHash(upgrading);
            int hashes = stronger.hashes();
            upgrading.authenticate(TestUsers.TENANT, "alice", PASSWORD);
            assertEquals(hashes, stronger.hashes(), "an upgraded hash is not upgraded again");
        }
    }

    @Test
    void authenticateWhenAConcurrentLoginUpgradedTheHashBetweenTheReadsThenStillTheUser() {
        User alice = store(TestUsers.complete("alice", hasher.hash(PASSWORD)));
        String upgraded = new Argon2idPasswordHasher(STRONGER, new SecureRandom()).hash(PASSWORD);
        UserAuthenticator racing = new UserAuthenticator(users, replacingOnFirstVerify(alice, upgraded), clock);

        User returned = racing.authenticate(TestUsers.TENANT, "alice", PASSWORD);

        assertEquals(alice.id(), returned.id());
        assertEquals(upgraded, returned.passwordHash());
    }

    @Test
    void authenticateWhenThePasswordChangedBetweenTheReadsThenTheOldPasswordIsRefused() {
        User alice = store(TestUsers.complete("alice", hasher.hash(PASSWORD)));
        String changed = hasher.hash("a new password entirely".toCharArray());
        UserAuthenticator racing = new UserAuthenticator(users, replacingOnFirstVerify(alice, changed), clock);

        OAuthException refused = assertThrows(OAuthException.class,
                () -> racing.authenticate(TestUsers.TENANT, "alice", PASSWORD));
        assertEquals(UserAuthenticator.INVALID_CREDENTIALS, refused.error());
    }

    /** {@link #hasher}, but its first verification also stores {@code newHash} for {@code user}, as a concurrent request would. */
    private PasswordHasher replacingOnFirstVerify(User user, String newHash) {
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        return new PasswordHasher() {
            @Override
            public String hash(char[] password) {
                return hasher.hash(password);
            }

            @Override
            public boolean verify(char[] password, String phcHash) {
                boolean matches = hasher.verify(password, phcHash);
                if (first.getAndSet(false)) {
                    assertTrue(users.replacePasswordHash(TestUsers.TENANT, user.id(), phcHash, newHash, clock.instant()));
                }
                return matches;
            }

            @Override
            public boolean needsRehash(String phcHash) {
                return false;
            }

            @Override
            public void requireAtLeastCurrentStrength(String phcHash) {
                hasher.requireAtLeastCurrentStrength(phcHash);
            }
        };
    }

    /** The dummy hash is made in the background; an unknown user waits for it, so counts taken after are stable. */
    private static void awaitDummyHash(UserAuthenticator authenticator) {
        org.junit.jupiter.api.Assertions.assertThrows(dev.identityservice.core.error.OAuthException.class,
                () -> authenticator.authenticate(TestUsers.TENANT, "nobody-at-all", PASSWORD));
    }

    private User store(User user) {
        users.create(user);
        return user;
    }

    private OAuthError failure(String username, char[] password) {
        return assertThrows(OAuthException.class, () -> authenticator.authenticate(TestUsers.TENANT, username, password)).error();
    }
}
