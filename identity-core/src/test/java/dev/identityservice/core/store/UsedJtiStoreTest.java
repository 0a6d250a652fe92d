package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.replay.JtiReplayGuard;
import dev.identityservice.core.replay.JtiReplayGuard.Purpose;
import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.store.jdbc.ExpiredRowsCleanup;
import dev.identityservice.core.store.jdbc.JdbcUsedJtiStore;
import dev.identityservice.core.testing.DatabaseKind;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.core.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JtiReplayGuard} on {@link JdbcUsedJtiStore}, H2 and PostgreSQL: one use per jti, races included, then cleanup. */
class UsedJtiStoreTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void firstUseWhenSameJtiAgainThenFalseButOtherClientPurposeOrTenantTrue(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            JtiReplayGuard guard = new JtiReplayGuard(new JdbcUsedJtiStore(database));
            Instant until = Instant.now().plusSeconds(60);

            assertTrue(guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "j1", "a.b.c", until));
            assertFalse(guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "j1", "x.y.z", until), "same jti, other object: a replay");
            assertTrue(guard.firstUse("t", "other", Purpose.REQUEST_OBJECT, "j1", "a.b.c", until));
            assertTrue(guard.firstUse("t", "rp", Purpose.CLIENT_ASSERTION, "j1", "a.b.c", until));
            assertTrue(guard.firstUse("t2", "rp", Purpose.REQUEST_OBJECT, "j1", "a.b.c", until));
            // Without a jti the object itself is the identity.
            assertTrue(guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, null, "d.e.f", until));
            assertFalse(guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, null, "d.e.f", until));
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void firstUseWhenEightThreadsRaceWithOneJtiThenExactlyOneWins(DatabaseKind kind) throws Exception {
        try (Database database = TestDatabases.open(kind)) {
            JtiReplayGuard guard = new JtiReplayGuard(new JdbcUsedJtiStore(database));
            Instant until = Instant.now().plusSeconds(60);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<Boolean> use = () -> {
                        start.await();
                        return guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "race", "a.b.c", until);
                    };
                    results.add(threads.submit(use));
                }
                start.countDown();
                int wins = 0;
                for (Future<Boolean> result : results) {
                    wins += result.get() ? 1 : 0;
                }
                assertEquals(1, wins);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void cleanupWhenExpiredThenRowGoneAndUnexpiredKept(DatabaseKind kind) {
        try (Database database = TestDatabases.open(kind)) {
            MutableClock clock = new MutableClock(Instant.now());
            JtiReplayGuard guard = new JtiReplayGuard(new JdbcUsedJtiStore(database));
            guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "short", "s", clock.instant().plusSeconds(10));
            guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "long", "l", clock.instant().plusSeconds(3600));

            clock.advance(Duration.ofSeconds(11));
            new ExpiredRowsCleanup(database, clock).deleteExpired();

            assertTrue(guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "short", "s", clock.instant().plusSeconds(10)),
                    "expired: deleted, so usable again (the JWT itself is refused as expired by then)");
            assertFalse(guard.firstUse("t", "rp", Purpose.REQUEST_OBJECT, "long", "l", clock.instant().plusSeconds(10)));
        }
    }
}
