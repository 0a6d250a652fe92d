package dev.identityservice.core.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class Argon2idPasswordHasherTest {

    /** Cheap parameters for tests where the cost does not matter. */
    static final Argon2idParameters FAST = new Argon2idParameters(64, 1, 1, 16, 32);

    /**
     * The reference implementation's output (phc-winner-argon2, {@code echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1}),
     * also the example in its README: the salt is the bytes of "somesalt".
     */
    private static final String REFERENCE_HASH =
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

    private final Argon2idPasswordHasher fast = new Argon2idPasswordHasher(FAST, new SecureRandom());

    @Test
    void verifyWhenReferenceCliHashAndRightPasswordThenTrue() {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher();

        assertTrue(hasher.verify("password".toCharArray(), REFERENCE_HASH));
        assertFalse(hasher.verify("Password".toCharArray(), REFERENCE_HASH));
    }

    @Test
    void hashWhenDefaultParametersThenOwaspPhcStringThatVerifies() {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher();
        String hash = hasher.hash("correct horse".toCharArray());

        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
        assertTrue(hasher.verify("correct horse".toCharArray(), hash));
        assertFalse(hasher.verify("correct horsf".toCharArray(), hash));
        assertFalse(hasher.needsRehash(hash));
    }

    @Test
    void hashWhenSamePasswordTwiceThenSaltsAndHashesDiffer() {
        String first = fast.hash("secret".toCharArray());
        String second = fast.hash("secret".toCharArray());

        assertNotEquals(first.split("\\$")[4], second.split("\\$")[4]);
        assertNotEquals(first.split("\\$")[5], second.split("\\$")[5]);
        assertTrue(fast.verify("secret".toCharArray(), first));
        assertTrue(fast.verify("secret".toCharArray(), second));
    }

    @Test
    void hashWhenCalledThenPasswordArrayLeftIntact() {
        char[] password = "unchanged".toCharArray();
        fast.hash(password);

        assertArrayEquals("unchanged".toCharArray(), password);
    }

    @Test
    void verifyWhenNonAsciiPasswordThenUtf8BytesAreHashed() {
        String hash = fast.hash("pässwörd€".toCharArray());

        assertTrue(fast.verify("pässwörd€".toCharArray(), hash));
        assertFalse(fast.verify("passwo rd".toCharArray(), hash));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "password",
            "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2d$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$",
            "$argon2id$v=19$m=64,t=1,p=1$$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$C",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMa",
            "$argon2id$v=19$m=64,t=1,p=1$c29t$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA==$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7c_HAph8ArZWb2GRPPc",
            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
            "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="})
    void verifyWhenStoredHashMalformedOrForeignThenFalseWithoutThrowing(String stored) {
        assertFalse(fast.verify("password".toCharArray(), stored));
        assertTrue(fast.needsRehash(stored));
    }

    @Test
    void verifyWhenPasswordNullThenFalse() {
        assertFalse(fast.verify(null, fast.hash("x".toCharArray())));
    }

    @Test
    void needsRehashWhenAnyParameterChangedThenTrue() {
        String hash = fast.hash("pw".toCharArray());

        assertFalse(fast.needsRehash(hash));
        assertTrue(hasher(new Argon2idParameters(128, 1, 1, 16, 32)).needsRehash(hash));
        assertTrue(hasher(new Argon2idParameters(64, 2, 1, 16, 32)).needsRehash(hash));
        assertTrue(hasher(new Argon2idParameters(64, 1, 2, 16, 32)).needsRehash(hash));
        assertTrue(hasher(new Argon2idParameters(64, 1, 1, 32, 32)).needsRehash(hash));
        assertTrue(hasher(new Argon2idParameters(64, 1, 1, 16, 64)).needsRehash(hash));
    }

    @Test
    void verifyWhenHashMadeWithOtherParametersThenStillVerifies() {
        String weak = fast.hash("pw".toCharArray());
        Argon2idPasswordHasher stronger = hasher(new Argon2idParameters(128, 2, 1, 16, 32));

        assertTrue(stronger.verify("pw".toCharArray(), weak));
        assertTrue(stronger.needsRehash(weak));
    }

    @Test
    void constructorWhenParametersBelowSpecThenRefusedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 1, 1, 4, 32));
        assertTrue(e.getMessage().contains("saltLengthBytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(8, 1, 2, 16, 32));
        assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 0, 1, 16, 32));
        assertThrows(IllegalArgumentException.class, () -> new Argon2idParameters(64, 1, 1, 16, 8));
    }

    @Test
    void owaspWhenReadThenMatchesCheatSheet() {
        assertEquals(new Argon2idParameters(19_456, 2, 1, 16, 32), Argon2idParameters.OWASP);
        assertEquals(Argon2idParameters.OWASP, new Argon2idPasswordHasher().parameters());
    }

    private static Argon2idPasswordHasher hasher(Argon2idParameters parameters) {
        return new Argon2idPasswordHasher(parameters, new SecureRandom());
    }

    @Test
    void hashWhenManyThreadsAtOnceThenNoMoreThanTheConfiguredHashesRunTogether() throws Exception {
        Argon2idPasswordHasher bounded = new Argon2idPasswordHasher(new Argon2idParameters(1024, 1, 1, 16, 32),
                new java.security.SecureRandom(), 2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<String>> hashes = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            hashes.add(pool.submit(() -> {
                start.await();
                return bounded.hash("password".toCharArray());
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<String> hash : hashes) {
            assertTrue(bounded.verify("password".toCharArray(), hash.get()));
        }
        pool.shutdown();

        assertTrue(bounded.peakConcurrentHashes() <= 2, "peak " + bounded.peakConcurrentHashes());
        assertTrue(bounded.peakConcurrentHashes() >= 1);
    }
}
