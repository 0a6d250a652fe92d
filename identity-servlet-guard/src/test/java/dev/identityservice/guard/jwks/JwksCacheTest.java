package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.InvalidTokenException;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.testing.Concurrently;
import dev.identityservice.guard.testing.CountingListener;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.MutableClock;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JWKS cache against a fake issuer over real HTTP: single flight, rate limits, rotation, outage. */
class JwksCacheTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey KEY_A = TestKey.rsa("key-a");
    static final TestKey KEY_B = TestKey.rsa("key-b");
    static final TestKey KEY_C = TestKey.rsa("key-c");
    static final TestKey KEY_D = TestKey.rsa("key-d");
    static final String BORROWED_SIGNATURE = "." + "A".repeat(342);

    final MutableClock clock = MutableClock.atFixedStart();
    final CountingListener listener = new CountingListener();
    FakeIssuer issuer;
    GuardTokenVerifier verifier;

    @AfterEach
    void stop() throws Exception {
        if (verifier != null) {
            verifier.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    GuardConfig.Builder config() {
        return GuardConfig.builder().issuer(issuer.url()).audience(AUDIENCE).clock(clock).listener(listener)
                .tokenCacheMaxEntries(0).jwksMaxWait(Duration.ofSeconds(5)); // HangingIssuerTest tests the bound
    }

    String token(TestKey key) {
        return TestTokens.accessToken(issuer.url(), AUDIENCE, key, clock).sign();
    }

    /** A token naming {@code kid}; its signature is never reached, so it is borrowed rather than computed. */
    String tokenWithKid(String kid) {
        TestTokens t = TestTokens.accessToken(issuer.url(), AUDIENCE, KEY_A, clock).header("kid", kid);
        return TestTokens.b64(t.headerJson()) + "." + TestTokens.b64(t.payloadJson()) + BORROWED_SIGNATURE;
    }

    void warmUp() throws Exception {
        verifier = GuardTokenVerifier.create(config().build());
        verifier.verify(token(KEY_A));
        assertEquals(1, issuer.jwksFetches.get());
    }

    @Test
    void candidatesWhen100ThreadsMeetANewKidThenExactlyOneFetchServesThemAll() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        warmUp();
        issuer.publish(KEY_A, KEY_B);
        issuer.delay(Duration.ofMillis(300)); // keep the fetch in flight while the others arrive
        String rotated = token(KEY_B);
        var outcomes = Concurrently.run(100, 100, i -> () -> verifier.verify(rotated));
        assertEquals(2, issuer.jwksFetches.get());
        assertTrue(outcomes.stream().allMatch(Concurrently.Outcome::ok), () -> outcomes.stream()
                .filter(o -> !o.ok()).findFirst().map(o -> o.error().toString()).orElse(""));
    }

    @Test
    void candidatesWhen100ThreadsSendAnUnknownKidThenExactlyOneFetch() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        warmUp();
        issuer.delay(Duration.ofMillis(100));
        var outcomes = Concurrently.run(100, 100, i -> () -> verifier.verify(tokenWithKid("no-such-key")));
        assertEquals(2, issuer.jwksFetches.get());
        assertTrue(outcomes.stream().allMatch(o -> o.error() instanceof InvalidTokenException));
    }

    @Test
    void candidatesWhen100ThreadsArriveBeforeAnyKeysThenOneFetch() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        issuer.delay(Duration.ofMillis(200));
        verifier = GuardTokenVerifier.create(config().build());
        String token = token(KEY_A);
        var outcomes = Concurrently.run(100, 100, i -> () -> verifier.verify(token));
        assertTrue(outcomes.stream().allMatch(Concurrently.Outcome::ok));
        assertEquals(1, issuer.jwksFetches.get());
        assertEquals(1, issuer.discoveryFetches.get());
    }

    @Test
    void candidatesWhen10000RandomKidsThenRotatedKeyIsStillFetchedAndAccepted() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        // An unknown-kid budget of one fetch per hour: the flood spends it at once.
        verifier = GuardTokenVerifier.create(config().jwksRefetchInterval(Duration.ofHours(1)).build());
        verifier.verify(token(KEY_A));
        var flood = Concurrently.run(8, 10_000, i -> () -> verifier.verify(tokenWithKid(UUID.randomUUID().toString())));
        assertTrue(flood.stream().noneMatch(Concurrently.Outcome::ok));
        assertEquals(2, issuer.jwksFetches.get());

        issuer.publish(KEY_A, KEY_B); // the issuer rotates; the budget is spent
        String rotated = token(KEY_B);
        assertThrows(InvalidTokenException.class, () -> verifier.verify(rotated));

        // The regular refresh has its own budget: once due, it brings the rotated key despite the flood.
        clock.advance(GuardConfig.JwksSettings.DEFAULT_LIFETIME_DEFAULT);
        var mixed = Concurrently.run(8, 2_000, i -> () -> i % 100 == 0
                ? verifier.verify(token(KEY_B)) : verifier.verify(tokenWithKid(UUID.randomUUID().toString())));
        for (int i = 0; i < mixed.size(); i += 100) {
            assertTrue(mixed.get(i).ok(), String.valueOf(mixed.get(i).error()));
        }
        verifier.verify(rotated);
        assertEquals(3, issuer.jwksFetches.get());
        assertTrue(listener.rateLimited.get() > 10_000);
    }

    @Test
    void verifyWhenIssuerRotatesUnderLoadThenNoValidTokenIsRejected() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        verifier = GuardTokenVerifier.create(config().build());
        AtomicReference<TestKey> signing = new AtomicReference<>(KEY_A);
        List<TestKey> rotations = List.of(KEY_B, KEY_C, KEY_D);
        int phases = rotations.size() + 1;
        for (int phase = 0; phase < phases; phase++) {
            if (phase > 0) {
                // The harshest issuer: it publishes the new key and signs with it at the same moment.
                clock.advance(Duration.ofSeconds(31));
                TestKey next = rotations.get(phase - 1);
                issuer.publish(signing.get(), next);
                signing.set(next);
            }
            String[] tokens = new String[16];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = token(signing.get());
            }
            var outcomes = Concurrently.run(8, 400, i -> () -> verifier.verify(tokens[i % tokens.length]));
            long rejected = outcomes.stream().filter(o -> !o.ok()).count();
            assertEquals(0, rejected, "phase " + phase + ": " + outcomes.stream().filter(o -> !o.ok())
                    .findFirst().map(o -> o.error().toString()).orElse(""));
        }
        assertEquals(phases, issuer.jwksFetches.get());
    }

    @Test
    void verifyWhenIssuerGoesDownThenCachedKeysServeUntilMaxStale() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        warmUp();
        issuer.down(true);
        clock.advance(Duration.ofHours(1)); // far past the five-minute lifetime
        verifier.verify(token(KEY_A));
        awaitCount(listener.fetchFailed::get, 1); // before the clock moves on, or the next request retries
        // The listener is told just before the fetch thread hands the failed state to Caffeine: let it land, so
        // that the jump below is measured from an installed state, as it would be in real time.
        Thread.sleep(200);
        clock.advance(Duration.ofHours(22));
        // Requests keep being served stale; one of them starts the next attempt once the cache has taken in the
        // first failure (Caffeine installs a refreshed value just after the fetch returns).
        for (int i = 0; i < 500 && listener.fetchFailed.get() < 2; i++) {
            verifier.verify(token(KEY_A));
            Thread.sleep(10);
        }
        assertTrue(listener.servedStale.get() >= 2);
        assertEquals(2, listener.fetchFailed.get());

        clock.advance(Duration.ofHours(2)); // now more than 24 h after the last good fetch
        VerificationUnavailableException e =
                assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token(KEY_A)));
        assertTrue(e.retryAfterSeconds() >= 1);
        awaitCount(listener.fetchFailed::get, 3); // that request's fetch failed too; let its state land
        Thread.sleep(200);

        issuer.down(false);
        clock.advance(GuardConfig.JwksSettings.RETRY_INTERVAL_DEFAULT);
        verifier.verify(token(KEY_A));
    }

    @Test
    void verifyWhenNoKeysWereEverFetchedThenUnavailableNotInvalid() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        issuer.down(true);
        verifier = GuardTokenVerifier.create(config().build());
        String token = token(KEY_A);
        VerificationUnavailableException first =
                assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token));
        int attempts = issuer.discoveryFetches.get() + issuer.jwksFetches.get();
        // Within the retry interval further requests get 503 at once, without asking the issuer again.
        for (int i = 0; i < 50; i++) {
            assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token));
        }
        assertEquals(attempts, issuer.discoveryFetches.get() + issuer.jwksFetches.get());
        assertTrue(first.retryAfterSeconds() >= 1);
    }

    @Test
    void verifyWhenIssuerUnreachableThenUnavailable() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        String url = issuer.url();
        issuer.close();
        verifier = GuardTokenVerifier.create(GuardConfig.builder().issuer(url).audience(AUDIENCE).clock(clock)
                .httpConnectTimeout(Duration.ofMillis(500)).build());
        String token = TestTokens.accessToken(url, AUDIENCE, KEY_A, clock).sign();
        issuer = null;
        assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token));
    }

    @Test
    void verifyWhenIssuerTooSlowThenUnavailableWithinTheTimeout() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        issuer.delay(Duration.ofSeconds(1));
        verifier = GuardTokenVerifier.create(config().jwksUri(issuer.jwksUrl())
                .httpReadTimeout(Duration.ofMillis(200)).build());
        VerificationUnavailableException e =
                assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token(KEY_A)));
        assertTrue(e.getMessage().contains("no complete response"), e.getMessage());
    }

    @Test
    void verifyWhenResponseExceedsSizeCapThenUnavailable() throws Exception {
        issuer = FakeIssuer.start(KEY_A, KEY_B, KEY_C, KEY_D);
        verifier = GuardTokenVerifier.create(config().jwksUri(issuer.jwksUrl()).httpMaxResponseBytes(1024).build());
        VerificationUnavailableException e =
                assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token(KEY_A)));
        assertTrue(e.getMessage().contains("larger than the cap"), e.getMessage());
    }

    @Test
    void candidatesWhenMaxAgeDeclaredThenRefreshedAheadOfIt() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        issuer.cacheControl("public, max-age=120");
        warmUp();
        clock.advance(Duration.ofSeconds(80)); // before 120 - 30 s: no refresh
        verifier.verify(token(KEY_A));
        assertEquals(1, issuer.jwksFetches.get());
        clock.advance(Duration.ofSeconds(15)); // inside the refresh-ahead window
        verifier.verify(token(KEY_A));
        awaitCount(issuer.jwksFetches::get, 2);
        assertEquals(0, listener.servedStale.get());
    }

    @Test
    void candidatesWhenMaxAgeBelowMinimumThenMinimumLifetimeUsed() throws Exception {
        issuer = FakeIssuer.start(KEY_A);
        issuer.cacheControl("max-age=1");
        warmUp();
        clock.advance(Duration.ofSeconds(20)); // min lifetime 60 s, refresh-ahead capped at 30 s
        verifier.verify(token(KEY_A));
        assertEquals(1, issuer.jwksFetches.get());
    }

    @Test
    void candidatesWhenIssuerPublishesOnlyUnusableKeysThenUnavailable() throws Exception {
        issuer = FakeIssuer.start();
        verifier = GuardTokenVerifier.create(config().build());
        assertThrows(VerificationUnavailableException.class, () -> verifier.verify(token(KEY_A)));
    }

    @Test
    void createWhenUsingTheFetcherSeamThenNoHttpIsNeeded() throws Exception {
        issuer = FakeIssuer.start();
        verifier = GuardTokenVerifier.create(config().jwksFetcher(
                () -> FetchedJwks.of(new com.nimbusds.jose.jwk.JWKSet(KEY_A.publicJwk()))).build());
        verifier.verify(token(KEY_A));
        assertEquals(0, issuer.jwksFetches.get());
        assertInstanceOf(CachingJwksSource.class, verifier.keys());
    }

    /** Waits for a background fetch to be counted; fails after five seconds. */
    static void awaitCount(java.util.function.IntSupplier count, int expected) throws InterruptedException {
        for (int i = 0; i < 500 && count.getAsInt() < expected; i++) {
            Thread.sleep(10);
        }
        assertEquals(expected, count.getAsInt());
    }
}
