package dev.identityservice.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.JdbcUserStore;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.core.testing.TestDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserRegistrationTest {

    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private final PasswordHasher hasher = new Argon2idPasswordHasher(Argon2idPasswordHasherTest.FAST, new SecureRandom());
    private Database database;
    private JdbcUserStore users;
    private UserRegistration registration;

    @BeforeEach
    void setUp() {
        database = TestDatabases.h2();
        TestUsers.createTenant(database, TestUsers.TENANT);
        users = new JdbcUserStore(database);
        registration = new UserRegistration(users, hasher, clock);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void registerWhenPasswordGivenThenStoredHashedWithUuidAndClockTimes() {
        User alice = registration.register(TestUsers.TENANT, "alice", "long enough".toCharArray(), null, Set.of("user"), Map.of());

        User stored = users.findByUsername(TestUsers.TENANT, "alice").orElseThrow();
        assertEquals(alice, stored);
        assertEquals(alice.id(), UUID.fromString(alice.id()).toString());
        assertEquals(clock.instant(), stored.createdAt());
        assertTrue(stored.enabled());
        assertFalse(stored.passwordHash().contains("long enough"));
        assertTrue(hasher.verify("long enough".toCharArray(), stored.passwordHash()));
    }

    @Test
    void registerWhenNoPasswordThenUserWithoutHash() {
        assertNull(registration.register(TestUsers.TENANT, "svc", null, null, null, null).passwordHash());
    }

    @Test
    void registerWhenPasswordShorterThanMinimumThenRefusedAndNothingStored() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registration.register(TestUsers.TENANT, "alice", "short".toCharArray(), null, null, null));

        assertTrue(e.getMessage().contains("8"), e.getMessage());
        assertTrue(users.findByUsername(TestUsers.TENANT, "alice").isEmpty());
    }

    @Test
    void changePasswordWhenCalledThenOldPasswordFailsAndNewVerifies() {
        User alice = registration.register(TestUsers.TENANT, "alice", "first password".toCharArray(), null, null, null);
        clock.advance(Duration.ofMinutes(5));
        registration.changePassword(alice, "second password".toCharArray());

        User stored = users.findById(TestUsers.TENANT, alice.id()).orElseThrow();
        assertFalse(hasher.verify("first password".toCharArray(), stored.passwordHash()));
        assertTrue(hasher.verify("second password".toCharArray(), stored.passwordHash()));
        assertEquals(clock.instant(), stored.updatedAt());
    }
}
