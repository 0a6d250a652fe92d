package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleMemoryRelease}: when it releases, driven by a collection counter and a clock of the test's own. What the
 * release gives back on a real process is {@code LauncherMemoryIT}'s.
 */
class IdleMemoryReleaseTest {

    private static final long MIB = 1024 * 1024;
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger releases = new AtomicInteger();
    private final IdleMemoryRelease release = releaseDoing(() -> releases.incrementAndGet() > 0);

    @Test
    void runWhenNoCollectionForTheIdleTimeThenReleasesOnceUntilTheNextCollection() {
        release.run();
        advance(Duration.ofSeconds(9));
        release.run();
        assertEquals(0, releases.get(), "not yet idle for 10 s");

        advance(Duration.ofSeconds(1));
        release.run();
        advance(Duration.ofSeconds(60));
        release.run();
        assertEquals(1, releases.get(), "once per quiet period");

        collections.incrementAndGet();
        release.run();
        advance(Duration.ofSeconds(10));
        release.run();
        assertEquals(2, releases.get(), "again after new activity and 10 s of quiet");
    }

    @Test
    void runWhenCollectionsKeepComingThenNeverReleases() {
        for (int second = 0; second < 120; second++) {
            collections.addAndGet(second % 5 == 0 ? 1 : 0); // a young collection every 5 s: a light load
            release.run();
            advance(Duration.ofSeconds(1));
        }

        assertEquals(0, releases.get());
    }

    /** H2's compaction after a write load, or health checks: a young collection every 8 s is background, not load. */
    @Test
    void runWhenOneCollectionEverySeveralSecondsThenReleasesAThirdOfTheIdleTimeAfterEach() {
        release.run();
        for (int second = 1; second <= 40; second++) {
            advance(Duration.ofSeconds(1));
            collections.addAndGet(second % 8 == 0 ? 1 : 0);
            release.run();
            if (second == 8 + 3) {
                assertEquals(0, releases.get(), "8 s after the first collection: one more came 3 s ago");
            }
        }

        // Quiet at 12 s (nothing since 8, the one before at 0), then at 20, 28 and 36 after each next collection.
        assertEquals(4, releases.get());
    }

    @Test
    void runWhenCollectionsComeTwiceInASecondThenWaitsTheWholeIdleTime() {
        release.run();
        collections.addAndGet(2); // a burst's first two collections, then nothing
        release.run();
        advance(Duration.ofSeconds(9));
        release.run();
        assertEquals(0, releases.get());

        advance(Duration.ofSeconds(1));
        release.run();
        assertEquals(1, releases.get());
    }

    @Test
    void runWhenTheReleaseCollectsItselfThenThatIsNotActivity() {
        IdleMemoryRelease collecting = releaseDoing(() -> {
            releases.incrementAndGet();
            collections.incrementAndGet(); // the full collection of the release
            return true;
        });
        collecting.run();
        advance(Duration.ofSeconds(10));
        collecting.run();
        for (int second = 0; second < 60; second++) {
            advance(Duration.ofSeconds(1));
            collecting.run();
        }

        assertEquals(1, releases.get());
    }

    @Test
    void runWhenTheReleaseFailsThenNotThrownAndTriedAgainAfterTheNextQuietPeriod() {
        IdleMemoryRelease failing = releaseDoing(() -> {
            releases.incrementAndGet();
            throw new IllegalStateException("refused");
        });
        failing.run();
        advance(Duration.ofSeconds(10));
        failing.run();
        collections.incrementAndGet();
        failing.run();
        advance(Duration.ofSeconds(10));
        failing.run();

        assertEquals(2, releases.get());
    }

    @Test
    void runWhenTheReleaseCannotNowThenAskedAgainEverySecondUntilItCan() {
        AtomicInteger asked = new AtomicInteger();
        IdleMemoryRelease busy = releaseDoing(() -> asked.incrementAndGet() >= 3); // a hash runs for the first two tries
        busy.run();
        for (int second = 0; second < 30; second++) {
            advance(Duration.ofSeconds(1));
            busy.run();
        }

        assertEquals(3, asked.get(), "asked at 10 s, 11 s and 12 s, then released for this quiet period");
    }

    @Test
    void whenHeapGrewWhenTheHeapDidNotGrowSinceTheLastReleaseThenNoCollection() {
        AtomicLong committed = new AtomicLong(96 * MIB);
        AtomicInteger drops = new AtomicInteger();
        AtomicInteger collects = new AtomicInteger();
        BooleanSupplier heapRelease = IdleMemoryRelease.whenHeapGrew(committed::get, () -> drops.incrementAndGet() > 0, () -> {
            collects.incrementAndGet();
            committed.set(34 * MIB);
        });

        assertTrue(heapRelease.getAsBoolean());
        assertTrue(heapRelease.getAsBoolean(), "nothing grew: done, without collecting");
        committed.set(40 * MIB);
        assertTrue(heapRelease.getAsBoolean());

        assertEquals(2, collects.get(), "the first release, then once the heap grew again");
        assertEquals(2, drops.get());
    }

    @Test
    void whenHeapGrewWhenCachesCannotBeDroppedNowThenNoCollectionAndNotDone() {
        AtomicInteger collects = new AtomicInteger();
        BooleanSupplier heapRelease = IdleMemoryRelease.whenHeapGrew(() -> 96 * MIB, () -> false, collects::incrementAndGet);

        assertFalse(heapRelease.getAsBoolean());
        assertEquals(0, collects.get());
    }

    /** Two servers in one JVM: each one's release collection is not activity to the other (they kept waking each other). */
    @Test
    void collectionsByOthersWhenReleasesCollectThenUnchanged() {
        long before = IdleMemoryRelease.collectionsByOthers();
        for (int i = 0; i < 3; i++) {
            IdleMemoryRelease.collectAndShrinkHeap();
        }

        // Each release ran at least one collection; only a collection of this JVM's other threads may count meanwhile.
        assertTrue(IdleMemoryRelease.collectionsByOthers() - before < 3, "releases counted as activity");
    }

    @Test
    void explicitCollectionsDisabledWhenTheTestJvmCollectsOnRequestThenFalse() {
        assertFalse(IdleMemoryRelease.explicitCollectionsDisabled());
    }

    /** Jetty 12.1.13's clear() broke the pool for every later request (jetty/jetty.project#15807); the release calls it. */
    @Test
    void jettyBufferPoolWhenClearedAsTheReleaseDoesThenStillServesBuffers() {
        ArrayByteBufferPool pool = new ArrayByteBufferPool(0, -1, -1, Integer.MAX_VALUE, 4 * MIB, 4 * MIB);
        List<RetainableByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            held.add(pool.acquire(8192, false));
        }
        held.forEach(RetainableByteBuffer::release);

        pool.clear();

        RetainableByteBuffer again = pool.acquire(8192, false);
        assertTrue(again.capacity() >= 8192);
        again.release();
    }

    @Test
    void constructorWhenIdleTimeNotPositiveThenRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new IdleMemoryRelease(Duration.ZERO, collections::get, nanos::get, () -> true));
    }

    @Test
    void collectAndShrinkHeapWhenDoneThenTheFreeRatiosAreTheJvmsOnesAgain() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = vm.getVMOption("MinHeapFreeRatio").getValue();
        String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
        long fullBefore = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(c -> c.getCollectionCount()).sum();

        IdleMemoryRelease.collectAndShrinkHeap();

        assertEquals(min, vm.getVMOption("MinHeapFreeRatio").getValue());
        assertEquals(max, vm.getVMOption("MaxHeapFreeRatio").getValue());
        long fullAfter = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(c -> c.getCollectionCount()).sum();
        assertTrue(fullAfter > fullBefore, "a collection ran");
    }

    /** A release after 10 s of quiet, on the test's collection counter and clock, that does {@code release}. */
    private IdleMemoryRelease releaseDoing(BooleanSupplier release) {
        return new IdleMemoryRelease(Duration.ofSeconds(10), collections::get, nanos::get, release);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
