package dev.identityservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 13: at most {@code permits} threads inside, the others entering in arrival order; waits step outside. */
class AdmissionGateTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void waitingThreadsEnterInArrivalOrder() throws Exception {
        AdmissionGate gate = new AdmissionGate(1, LONG);
        assertTrue(gate.enter());
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int id = i;
            Thread thread = new Thread(() -> {
                assertTrue(gate.enter());
                order.add(id);
                gate.leave();
            });
            thread.start();
            threads.add(thread);
            awaitWaiting(gate, i + 1); // queued before the next one arrives
        }
        assertTrue(order.isEmpty(), "entered while the one permit was held: " + order);
        gate.leave();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
    }

    @Test
    void noMoreThanPermitsInsideAtOnce() throws Exception {
        AdmissionGate gate = new AdmissionGate(3, LONG);
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Thread thread = new Thread(() -> {
                for (int round = 0; round < 40; round++) {
                    assertTrue(gate.enter());
                    peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    sleepOneMilli();
                    inside.decrementAndGet();
                    gate.leave();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(3, peak.get(), "the most threads inside at once");
    }

    @Test
    void aWaitPastMaxWaitIsRefusedAndHoldsNothing() throws Exception {
        AdmissionGate gate = new AdmissionGate(1, Duration.ofMillis(50));
        assertTrue(gate.enter());
        boolean[] entered = new boolean[1];
        Thread late = new Thread(() -> {
            entered[0] = gate.enter();
            gate.leave(); // not inside: nothing to give back
        });
        long start = System.nanoTime();
        late.start();
        late.join(10_000);
        assertFalse(entered[0]);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "refused before its wait ran out");
        gate.leave();
        assertEquals(0, gate.waiting());
        assertTrue(gate.enter(), "the refused thread took a permit with it");
        gate.leave();
    }

    @Test
    void outsideGivesThePermitToTheNextThreadAndEntersAgainBehindIt() throws Exception {
        AdmissionGate gate = new AdmissionGate(1, LONG);
        assertTrue(gate.enter());
        CountDownLatch otherInside = new CountDownLatch(1);
        CountDownLatch otherMayLeave = new CountDownLatch(1);
        Thread other = new Thread(() -> {
            assertTrue(gate.enter());
            otherInside.countDown();
            await(otherMayLeave);
            gate.leave();
        });
        other.start();
        awaitWaiting(gate, 1);

        String result = AdmissionGate.outside(() -> {
            assertFalse(gate.entered(), "still inside while waiting outside");
            assertTrue(otherInside.await(30, TimeUnit.SECONDS), "the waiting thread did not get the permit");
            otherMayLeave.countDown();
            return "done";
        });

        assertEquals("done", result);
        assertTrue(gate.entered(), "back inside after the wait");
        other.join(30_000);
        gate.leave();
        assertTrue(gate.enter());
        gate.leave();
    }

    @Test
    void outsideOfAnyGateJustRunsAndPassesFailuresOn() {
        assertEquals(7, AdmissionGate.<Integer, RuntimeException>outside(() -> 7));
        AdmissionGate gate = new AdmissionGate(1, LONG);
        assertTrue(gate.enter());
        java.io.IOException thrown = assertThrows(java.io.IOException.class,
                () -> AdmissionGate.outside(() -> { throw new java.io.IOException("remote server gone"); }));
        assertEquals("remote server gone", thrown.getMessage());
        assertTrue(gate.entered(), "a failed wait did not enter the gate again");
        gate.leave();
    }

    @Test
    void nestedAndInterruptedWaitsOutsideEnterOnceAgainAndKeepEveryPermit() throws Exception {
        AdmissionGate gate = new AdmissionGate(2, LONG);
        assertTrue(gate.enter());
        String nested = AdmissionGate.outside(() -> AdmissionGate.outside(() -> {
            assertFalse(gate.entered(), "a nested wait is outside too");
            return "inner";
        }));
        assertEquals("inner", nested);
        assertTrue(gate.entered());
        // Interrupted while outside: back inside all the same (what it started must be answered), the flag kept.
        Thread.currentThread().interrupt();
        AdmissionGate.outside(() -> null);
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        assertTrue(gate.entered());
        gate.leave();
        // Both permits are there: two other threads enter at once.
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> threads = List.of(new Thread(() -> holdUntil(gate, inside, release)), new Thread(() -> holdUntil(gate, inside, release)));
        threads.forEach(Thread::start);
        assertTrue(inside.await(30, TimeUnit.SECONDS), "a permit was lost");
        release.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    private static void holdUntil(AdmissionGate gate, CountDownLatch inside, CountDownLatch release) {
        assertTrue(gate.enter());
        inside.countDown();
        await(release);
        gate.leave();
    }

    @Test
    void enteringTwiceAndBadLimitsAreRefused() {
        AdmissionGate gate = new AdmissionGate(2, LONG);
        assertTrue(gate.enter());
        assertThrows(IllegalStateException.class, gate::enter);
        gate.leave();
        assertThrows(IllegalArgumentException.class, () -> new AdmissionGate(0, LONG));
        assertThrows(IllegalArgumentException.class, () -> new AdmissionGate(1, Duration.ZERO));
    }

    private static void awaitWaiting(AdmissionGate gate, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gate.waiting() < count) {
            assertTrue(System.nanoTime() < deadline, "threads never queued");
            Thread.sleep(1);
        }
    }

    private static void sleepOneMilli() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
