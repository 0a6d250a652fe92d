package dev.identityservice.core.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hashing limiter of {@link Argon2idPasswordHasher}: a full queue refuses at once, a wait past the bound
 * refuses, waiters run in arrival order, and a slot reuses its Argon2 memory. The slot is held by a real hash at
 * a cost that takes a while ({@link #SLOW}); every check waits on the hasher's own gauges, never on a sleep.
 */
class PasswordHashingLimitsTest {

    /** 32 MiB, 8 passes: long enough that the checks made while it runs are done before it ends. */
    private static final Argon2idParameters SLOW = new Argon2idParameters(32 * 1024, 8, 1, 16, 32);
    private static final Argon2idParameters FAST = new Argon2idParameters(64, 1, 1, 16, 32);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void hashWhenRunningAndQueueFullThenRefusedAtOnceWithRetryAfter() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(1, 1, Duration.ofSeconds(30)));
        String slow = slowHash();
        CompletableFuture<Boolean> running = verifyLater(hasher, slow);
        await(() -> hasher.hashesRunning() == 1);
        CompletableFuture<Boolean> queued = verifyLater(hasher, slow);
        await(() -> hasher.hashesWaiting() == 1);

        PasswordHashingBusyException busy = assertThrows(PasswordHashingBusyException.class,
                () -> hasher.verify("password".toCharArray(), slow));

        assertFalse(running.isDone(), "refused while the slot was still busy, not after it");
        assertEquals(30, busy.retryAfterSeconds());
        assertTrue(running.get(60, TimeUnit.SECONDS));
        assertTrue(queued.get(60, TimeUnit.SECONDS));
        assertEquals(0, hasher.hashesWaiting());
    }

    @Test
    void requireCapacityWhenQueueHasRoomThenPassesAndWhenFullThenRefusesWithoutTakingAPlace() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(1, 1, Duration.ofSeconds(30)));
        String slow = slowHash();
        hasher.requireCapacity();
        CompletableFuture<Boolean> running = verifyLater(hasher, slow);
        await(() -> hasher.hashesRunning() == 1);
        hasher.requireCapacity(); // the one place in the queue is free
        CompletableFuture<Boolean> queued = verifyLater(hasher, slow);
        await(() -> hasher.hashesWaiting() == 1);

        PasswordHashingBusyException busy = assertThrows(PasswordHashingBusyException.class, hasher::requireCapacity);

        assertEquals(30, busy.retryAfterSeconds());
        assertFalse(running.isDone(), "refused while the slot was still busy, not after it");
        assertEquals(1, hasher.hashesWaiting(), "the refusal queued nothing");
        assertTrue(running.get(60, TimeUnit.SECONDS));
        assertTrue(queued.get(60, TimeUnit.SECONDS));
        hasher.requireCapacity(); // room again once the storm has passed: the check reserved nothing
    }

    @Test
    void hashWhenWaitExceedsTheBoundThenRefused() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(1, 8, Duration.ofMillis(50)));
        String slow = slowHash();
        CompletableFuture<Boolean> running = verifyLater(hasher, slow);
        await(() -> hasher.hashesRunning() == 1);

        assertThrows(PasswordHashingBusyException.class, () -> hasher.verify("password".toCharArray(), slow));

        assertFalse(running.isDone());
        assertEquals(0, hasher.hashesWaiting(), "a refused waiter leaves the queue");
        assertTrue(running.get(60, TimeUnit.SECONDS));
    }

    @Test
    void hashWhenSeveralWaitThenTheyRunInArrivalOrder() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(1, 16, Duration.ofSeconds(60)));
        String slow = slowHash();
        CompletableFuture<Boolean> running = verifyLater(hasher, slow);
        await(() -> hasher.hashesRunning() == 1);
        // Each waiter's own hash takes tens of milliseconds, so that it records its end before the next one ends.
        String medium = new Argon2idPasswordHasher(new Argon2idParameters(4 * 1024, 4, 1, 16, 32), new SecureRandom())
                .hash("password".toCharArray());
        List<Integer> finished = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int arrival = i;
            waiters.add(CompletableFuture.runAsync(() -> {
                hasher.verify("password".toCharArray(), medium);
                finished.add(arrival);
            }, threads));
            // The next one arrives only once this one is parked in the queue: the arrival order is the index.
            await(() -> hasher.hashesWaiting() == arrival + 1);
        }

        assertTrue(running.get(60, TimeUnit.SECONDS));
        CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), finished);
    }

    @Test
    void hashWhenRepeatedOnOneSlotThenItsArgon2MemoryIsReused() {
        Argon2idParameters eightMib = new Argon2idParameters(8 * 1024, 1, 1, 16, 32);
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(eightMib, new SecureRandom(),
                new PasswordHashingLimits(1, 0, Duration.ofSeconds(1)));
        hasher.hash("password".toCharArray());

        // Counted over every thread: the hash runs on the hasher's own thread, not the caller's.
        long before = allocatedByEveryThread();
        String hash = hasher.hash("password".toCharArray());
        long allocated = allocatedByEveryThread() - before;

        // Without the pool each hash allocates its 8 MiB of blocks again.
        assertTrue(allocated < 1024 * 1024, "allocated " + allocated + " bytes for an 8 MiB hash");
        assertTrue(hasher.verify("password".toCharArray(), hash));
    }

    @Test
    void hashWhenManyAtOnceOnPooledSlotsThenEveryStringVerifiesIndependentlyWithItsOwnSalt() throws Exception {
        // Two hashes sharing a block pool would overwrite each other's blocks: wrong tags that only a one-slot
        // hasher (never two hashes at once) catches, since a shared pool could corrupt the verify the same way.
        Argon2idParameters oneMib = new Argon2idParameters(1024, 1, 1, 16, 32);
        Argon2idPasswordHasher pooled = new Argon2idPasswordHasher(oneMib, new SecureRandom(),
                new PasswordHashingLimits(4, 1000, Duration.ofSeconds(60)));
        Argon2idPasswordHasher oneSlot = new Argon2idPasswordHasher(oneMib, new SecureRandom(),
                new PasswordHashingLimits(1, 1000, Duration.ofSeconds(60)));
        List<CompletableFuture<String>> hashes = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            hashes.add(CompletableFuture.supplyAsync(() -> pooled.hash("the same password".toCharArray()), threads));
        }
        List<String> made = new ArrayList<>();
        for (CompletableFuture<String> hash : hashes) {
            made.add(hash.get(120, TimeUnit.SECONDS));
        }

        int peak = pooled.peakConcurrentHashes();
        assertTrue(peak >= 2 && peak <= 4, "the hashes ran side by side, within the limit: " + peak);
        assertEquals(made.size(), made.stream().map(h -> h.split("\\$")[4]).distinct().count(), "one salt each");
        for (String hash : made) {
            assertTrue(oneSlot.verify("the same password".toCharArray(), hash), hash);
            assertFalse(oneSlot.verify("another password".toCharArray(), hash), hash);
        }
    }

    @Test
    void limitsWhenOutOfRangeThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashingLimits(0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashingLimits(1, -1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashingLimits(1, 1, Duration.ZERO));
        // concurrency + queue past Integer.MAX_VALUE went negative, and every hash was refused.
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashingLimits(2, Integer.MAX_VALUE, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHashingLimits(Integer.MAX_VALUE, 0, Duration.ofSeconds(1)));
        Argon2idPasswordHasher largest = new Argon2idPasswordHasher(FAST, new SecureRandom(), new PasswordHashingLimits(
                PasswordHashingLimits.MAX_CONCURRENCY, PasswordHashingLimits.MAX_QUEUE, Duration.ofSeconds(1)));
        assertTrue(largest.verify("password".toCharArray(), largest.hash("password".toCharArray())));
        assertEquals(2, new PasswordHashingLimits(1, 0, Duration.ofMillis(1500)).retryAfterSeconds());
    }

    @Test
    void hashWhenRunningThenOnADaemonThreadOfItsOwnAtTheLowestPriority() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(1, 1, Duration.ofSeconds(30)));
        Thread caller = Thread.currentThread();
        CompletableFuture<Boolean> running = verifyLater(hasher, slowHash());
        await(() -> hasher.hashesRunning() == 1);
        // The slot is counted just before the hash's thread enters Argon2: wait until a stack shows it there.
        await(() -> threadInArgon2().isPresent());

        Thread hashing = threadInArgon2().orElseThrow();

        assertTrue(hashing.getName().startsWith("password-hash-"), hashing.getName());
        assertEquals(Thread.MIN_PRIORITY, hashing.getPriority());
        assertTrue(hashing.isDaemon());
        assertTrue(hashing != caller);
        assertTrue(running.get(60, TimeUnit.SECONDS));
    }

    private static java.util.Optional<Thread> threadInArgon2() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().contains("Argon2BytesGenerator")))
                .map(java.util.Map.Entry::getKey).findFirst();
    }

    @Test
    void hashWhenTheWaitingLoginIsInterruptedThenRefusedAndTheSlotFreedWhenTheHashEnds() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(1, 1, Duration.ofSeconds(30)));
        String slow = slowHash();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread login = new Thread(() -> {
            try {
                hasher.verify("password".toCharArray(), slow);
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        login.start();
        await(() -> hasher.hashesRunning() == 1);

        login.interrupt();

        assertTrue(outcome.get(60, TimeUnit.SECONDS) instanceof PasswordHashingBusyException);
        await(() -> hasher.hashesRunning() == 0);
        String fast = hasher.hash("other".toCharArray());
        assertTrue(hasher.verify("other".toCharArray(), fast), "the slot was given back");
    }

    @Test
    void releasePooledMemoryWhenIdleThenNextHashAllocatesItsBlocksOnceMoreAndStillVerifies() {
        Argon2idParameters eightMib = new Argon2idParameters(8 * 1024, 1, 1, 16, 32);
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(eightMib, new SecureRandom(),
                new PasswordHashingLimits(1, 0, Duration.ofSeconds(1)));
        String hash = hasher.hash("password".toCharArray());

        assertTrue(hasher.releasePooledMemory());
        long before = allocatedByEveryThread();
        assertTrue(hasher.verify("password".toCharArray(), hash));
        long afterRelease = allocatedByEveryThread() - before;
        before = allocatedByEveryThread();
        assertFalse(hasher.verify("other".toCharArray(), hash));
        long afterThat = allocatedByEveryThread() - before;

        // The dropped 8 MiB of blocks are allocated again by the next hash only.
        assertTrue(afterRelease > 8 * 1000 * 1024, "allocated " + afterRelease + " bytes after the release");
        assertTrue(afterThat < 1024 * 1024, "allocated " + afterThat + " bytes by the hash after it");
    }

    @Test
    void releasePooledMemoryWhenAHashRunsThenNothingIsDroppedAndTheHashEndsWell() throws Exception {
        Argon2idPasswordHasher hasher = new Argon2idPasswordHasher(FAST, new SecureRandom(),
                new PasswordHashingLimits(2, 1, Duration.ofSeconds(30)));
        CompletableFuture<Boolean> running = verifyLater(hasher, slowHash());
        await(() -> hasher.hashesRunning() == 1);

        assertFalse(hasher.releasePooledMemory(), "one of the two slots is hashing");
        assertTrue(running.get(60, TimeUnit.SECONDS));
        await(() -> hasher.hashesRunning() == 0);
        assertTrue(hasher.releasePooledMemory());
        String fast = hasher.hash("other".toCharArray());
        assertTrue(hasher.verify("other".toCharArray(), fast), "both slots were given back with a pool each");
        assertTrue(hasher.verify("other".toCharArray(), hasher.hash("other".toCharArray())));
    }

    private static long allocatedByEveryThread() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Arrays.stream(bean.getThreadAllocatedBytes(bean.getAllThreadIds())).filter(n -> n > 0).sum();
    }

    /** A hash of "password" at {@link #SLOW}: verifying it holds a slot for a while whatever the hasher's own cost. */
    private static String slowHash() {
        return new Argon2idPasswordHasher(SLOW, new SecureRandom()).hash("password".toCharArray());
    }

    private CompletableFuture<Boolean> verifyLater(Argon2idPasswordHasher hasher, String hash) {
        return CompletableFuture.supplyAsync(() -> hasher.verify("password".toCharArray(), hash), threads);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 30 s");
            }
            Thread.sleep(1);
        }
    }
}
