package dev.identityservice.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.store.jdbc.Database;
import dev.identityservice.core.testing.TestDatabases;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Database#runAlone}: one instance at a time runs a job of a name on PostgreSQL; on H2 it just runs. */
class RunAloneTest {

    @Test
    void runAloneWhenAnotherInstanceRunsTheJobThenSkippedUntilItEnds() throws Exception {
        try (Database first = TestDatabases.postgres(); Database second = Database.open(first.config())) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> holder = CompletableFuture.supplyAsync(() -> first.runAlone("cleanup", () -> {
                entered.countDown();
                await(release);
            }));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            AtomicInteger ran = new AtomicInteger();

            assertFalse(second.runAlone("cleanup", ran::incrementAndGet));
            assertTrue(second.runAlone("key-rotation", ran::incrementAndGet));
            release.countDown();
            assertTrue(holder.get(10, TimeUnit.SECONDS));
            assertTrue(second.runAlone("cleanup", ran::incrementAndGet));

            assertEquals(2, ran.get());
        }
    }

    @Test
    void runAloneWhenOnH2ThenRunsAndSurvivesAFailingJob() {
        try (Database database = TestDatabases.h2()) {
            AtomicInteger ran = new AtomicInteger();

            assertTrue(database.runAlone("cleanup", ran::incrementAndGet));
            assertTrue(database.runAlone("cleanup", () -> {
                throw new IllegalStateException("a failing job is logged, not thrown");
            }));

            assertEquals(1, ran.get());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
