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
 * {@link IdleMemoryRelease}: when it releases, driven by a request counter and a clock of the test's own. What the
 * release gives back on a real process is {@code LauncherMemoryIT}'s.
 */
class IdleMemoryReleaseTest {

    private static final long MIB = 1024 * 1024;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger releases = new AtomicInteger();
    /** A release that gives something back at each call, as {@link IdleMemoryRelease#whenHeapGrew} would if the heap grew each time. */
    private final IdleMemoryRelease release = releaseDoing(() -> releases.incrementAndGet() > 0);

    @Test
    void runWhenNoRequestForTheIdleTimeThenReleasesOncePerIdleTimeUntilTheNextLoad() {
        release.run();
        advance(Duration.ofSeconds(9));
        release.run();
        assertEquals(0, releases.get(), "not yet idle for 10 s");

        advance(Duration.ofSeconds(1));
        release.run();
        assertEquals(1, releases.get());
        advance(Duration.ofSeconds(9));
        release.run();
        assertEquals(1, releases.get(), "not again within the idle time");
        advance(Duration.ofSeconds(1));
        release.run();
        assertEquals(2, releases.get(), "asked again while idle: whenHeapGrew decides whether there is anything");

        advance(Duration.ofSeconds(1));
        requests.addAndGet(500); // a burst
        release.run();
        advance(Duration.ofSeconds(9));
        release.run();
        assertEquals(2, releases.get(), "the burst is within the last 10 s");
        advance(Duration.ofSeconds(1));
        release.run();
        assertEquals(3, releases.get(), "again after 10 s of quiet");
    }

    @Test
    void runWhenRequestsKeepComingThenNeverReleases() {
        for (int second = 0; second < 120; second++) {
            requests.addAndGet(second % 5 == 0 ? 6 : 0); // 30 requests every 5 s: a light load, 1.2 a second
            release.run();
            advance(Duration.ofSeconds(1));
        }

        assertEquals(0, releases.get());
    }

    /** Health checks and scrapes: fewer requests than one a second are no load. */
    @Test
    void runWhenFewerRequestsThanOneASecondThenReleases() {
        for (int second = 0; second <= 30; second++) {
            requests.addAndGet(second % 2 == 0 ? 1 : 0); // a health check every 2 s
            release.run();
            advance(Duration.ofSeconds(1));
        }

        assertEquals(3, releases.get(), "at 10, 20 and 30 s");
    }

    /**
     * The fault that made idleness a matter of requests: after a write load H2's compaction filled the young generation
     * every 1-4 s for minutes, and a release that waited for the collector to be quiet never came. Nothing here reads
     * the collector: without requests, it releases after the idle time whatever else allocates.
     */
    @Test
    void runWhenOnlyBackgroundWorkAfterALoadThenReleasesAfterTheIdleTime() {
        List<Long> releasedAt = new ArrayList<>();
        IdleMemoryRelease timed = releaseDoing(() -> releasedAt.add(nanos.get()));
        for (int second = 0; second < 20; second++) {
            requests.addAndGet(second < 10 ? 800 : 0); // 10 s of load, then background work only
            timed.run();
            advance(Duration.ofSeconds(1));
        }

        assertEquals(List.of(1_000_000_000L + Duration.ofSeconds(19).toNanos()), releasedAt,
                "10 s after the last second with requests");
    }

    @Test
    void runWhenTheIdleTimeIsOneSecondThenAnyRequestIsLoad() {
        IdleMemoryRelease quick = new IdleMemoryRelease(Duration.ofSeconds(1), requests::get, nanos::get,
                () -> releases.incrementAndGet() > 0);
        quick.run();
        advance(Duration.ofSeconds(1));
        requests.incrementAndGet();
        quick.run();
        assertEquals(0, releases.get());

        advance(Duration.ofSeconds(1));
        quick.run();
        assertEquals(1, releases.get());
    }

    /** One a second of the idle time: 1.5 s allows one request, not two. */
    @Test
    void runWhenTheIdleTimeIsNotWholeSecondsThenOneRequestPerSecondOfIt() {
        IdleMemoryRelease release = new IdleMemoryRelease(Duration.ofMillis(1500), requests::get, nanos::get,
                () -> releases.incrementAndGet() > 0);
        release.run();
        advance(Duration.ofMillis(1500));
        requests.addAndGet(2);
        release.run();
        assertEquals(0, releases.get(), "two requests in 1.5 s");

        advance(Duration.ofMillis(1500));
        requests.incrementAndGet();
        release.run();
        assertEquals(1, releases.get(), "one request in 1.5 s");
    }

    /** A run a second and an idle time of a day: the readings kept stay a handful, not one per second of it. */
    @Test
    void runWhenTheIdleTimeIsLongThenFewReadingsKept() {
        IdleMemoryRelease daily = new IdleMemoryRelease(Duration.ofDays(1), requests::get, nanos::get,
                () -> releases.incrementAndGet() > 0);
        int mostKept = 0;
        for (int second = 0; second <= 2 * 86_400; second++) {
            requests.addAndGet(second < 3_600 ? 30 : 0); // an hour of load (more than a day's one a second), then idle
            daily.run();
            mostKept = Math.max(mostKept, daily.readingsKept());
            advance(Duration.ofSeconds(1));
        }

        assertTrue(mostKept <= IdleMemoryRelease.READINGS_PER_IDLE_TIME + 2, "kept " + mostKept);
        assertEquals(1, releases.get(), "released once, a day after the load");
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
        advance(Duration.ofSeconds(10));
        failing.run();
        assertEquals(1, releases.get(), "not again in the same quiet period");

        advance(Duration.ofSeconds(1));
        requests.addAndGet(100);
        failing.run();
        advance(Duration.ofSeconds(10));
        failing.run();

        assertEquals(2, releases.get());
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
        assertFalse(heapRelease.getAsBoolean(), "nothing grew: nothing dropped or collected");
        committed.set(40 * MIB); // background work promoted, and the collection that made room grew the heap
        assertTrue(heapRelease.getAsBoolean());

        assertEquals(2, collects.get(), "the first release, then once the heap grew again");
        assertEquals(2, drops.get());
    }

    @Test
    void whenHeapGrewWhenCachesCannotBeDroppedNowThenNoCollectionUntilTheyCan() {
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger collects = new AtomicInteger();
        BooleanSupplier heapRelease = IdleMemoryRelease.whenHeapGrew(() -> 96 * MIB, () -> asked.incrementAndGet() >= 3, // a hash runs
                collects::incrementAndGet);

        assertFalse(heapRelease.getAsBoolean());
        assertFalse(heapRelease.getAsBoolean());
        assertEquals(0, collects.get());
        assertTrue(heapRelease.getAsBoolean());

        assertEquals(1, collects.get(), "collected once the hash was done");
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
                () -> new IdleMemoryRelease(Duration.ZERO, requests::get, nanos::get, () -> true));
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
        return new IdleMemoryRelease(Duration.ofSeconds(10), requests::get, nanos::get, release);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
