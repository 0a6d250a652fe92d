package dev.identityservice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link IdleMemoryRelease}: when it releases, driven by a collection counter and a clock of the test's own. What the
 * release gives back on a real process is {@code LauncherMemoryIT}'s.
 */
class IdleMemoryReleaseTest {

    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger releases = new AtomicInteger();
    private final IdleMemoryRelease release = new IdleMemoryRelease(Duration.ofSeconds(10), collections::get, nanos::get,
            releases::incrementAndGet);

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

    @Test
    void runWhenTheReleaseCollectsItselfThenThatIsNotActivity() {
        IdleMemoryRelease collecting = new IdleMemoryRelease(Duration.ofSeconds(10), collections::get, nanos::get, () -> {
            releases.incrementAndGet();
            collections.incrementAndGet(); // the full collection of the release
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
        IdleMemoryRelease failing = new IdleMemoryRelease(Duration.ofSeconds(10), collections::get, nanos::get, () -> {
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
    void constructorWhenIdleTimeNotPositiveThenRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new IdleMemoryRelease(Duration.ZERO, collections::get, nanos::get, releases::incrementAndGet));
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

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
