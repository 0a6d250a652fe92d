package dev.identityservice.guard.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.guard.GuardConfig;
import dev.identityservice.guard.error.VerificationUnavailableException;
import dev.identityservice.guard.testing.Concurrently;
import dev.identityservice.guard.testing.FakeIssuer;
import dev.identityservice.guard.testing.TestKey;
import dev.identityservice.guard.testing.TestTokens;
import dev.identityservice.guard.verify.GuardTokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A JWKS endpoint that hangs, with 300 concurrent requests: those whose key is cached never wait;
 * those with an unknown kid wait at most {@code jwks-max-wait}, then get 503, and cause one fetch.
 */
class HangingIssuerTest {
    static final String AUDIENCE = "orders-api";
    static final TestKey CACHED = TestKey.rsa("cached");
    static final TestKey NOT_YET_PUBLISHED = TestKey.rsa("rotated-in");
    static final Duration MAX_WAIT = Duration.ofMillis(300);
    /** One fetch's limit: what a request that waited for the hanging fetch would wait. */
    static final Duration FETCH_LIMIT = Duration.ofSeconds(30);

    FakeIssuer issuer = FakeIssuer.start(CACHED);
    GuardTokenVerifier verifier;

    @AfterEach
    void stop() {
        verifier.close();
        issuer.close();
    }

    /** A task's result and how long it held its thread. */
    record Timed(boolean ok, Throwable error, long millis) {
    }

    @Test
    void verifyWhenJwksHangsThenCachedKeysServeAtOnceAndUnknownKidsWaitAtMostTheBound() throws Exception {
        Clock clock = Clock.systemUTC();
        verifier = GuardTokenVerifier.create(GuardConfig.builder().issuer(issuer.url()).jwksUri(issuer.jwksUrl())
                .audience(AUDIENCE).clock(clock).tokenCacheMaxEntries(0).jwksMaxWait(MAX_WAIT)
                .httpReadTimeout(FETCH_LIMIT).build());
        for (int i = 0; i < 500 && verifier.keys().cachedKeyCount() == 0; i++) {
            Thread.sleep(10); // the first fetch, started at creation
        }
        verifier.verify(TestTokens.accessToken(issuer.url(), AUDIENCE, CACHED, clock).sign());
        assertEquals(1, issuer.jwksFetches.get());

        // Accepts and never answers while the burst lasts, however long a loaded machine makes it.
        issuer.hang();
        String cached = TestTokens.accessToken(issuer.url(), AUDIENCE, CACHED, clock).sign();
        String unknown = TestTokens.accessToken(issuer.url(), AUDIENCE, NOT_YET_PUBLISHED, clock).sign();
        var outcomes = Concurrently.run(300, 300, i -> () -> {
            long start = System.nanoTime();
            try {
                verifier.verify(i % 3 == 0 ? cached : unknown);
                return new Timed(true, null, (System.nanoTime() - start) / 1_000_000);
            } catch (Exception e) {
                return new Timed(false, e, (System.nanoTime() - start) / 1_000_000);
            }
        });
        List<Timed> cachedResults = outcomes.stream().filter(o -> outcomes.indexOf(o) % 3 == 0).map(o -> o.value()).toList();
        List<Timed> unknownResults = outcomes.stream().filter(o -> outcomes.indexOf(o) % 3 != 0).map(o -> o.value()).toList();

        for (Timed t : cachedResults) {
            assertTrue(t.ok(), String.valueOf(t.error()));
            // Never waited for the hanging fetch, which would end at its 30 s limit.
            assertTrue(t.millis() < MAX_WAIT.toMillis() + 1_500, t.millis() + " ms");
        }
        for (Timed t : unknownResults) {
            assertInstanceOf(VerificationUnavailableException.class, t.error());
            assertTrue(t.millis() >= MAX_WAIT.toMillis() - 1 && t.millis() < MAX_WAIT.toMillis() + 1_500, t.millis() + " ms");
        }
        // The issuer counts a fetch when it finally answers.
        issuer.stopHanging();
        JwksCacheTest.awaitCount(issuer.jwksFetches::get, 2);
        Thread.sleep(200);
        assertEquals(2, issuer.jwksFetches.get(), "one fetch for all unknown kids");
    }
}
