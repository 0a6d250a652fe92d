package dev.identityservice.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.identityservice.core.IdentityEngine;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory kept for the next burst back to the operating system once the server has been idle for a while
 * ({@code memory.idle.release}, issue 13): the Argon2id blocks the password hasher pools (up to
 * {@code password.hash.concurrency × password.hash.memory.kib}), H2's page cache (up to 16 MiB), Jetty's pooled
 * connection buffers, and the part of the heap the collector grew into under load. Run it every second or so, e.g.
 * on the server's job executor; it does something at most once per quiet period.
 *
 * <p>Idle means that no garbage collection ran for the configured time: under any load the young generation fills
 * in a fraction of a second to a few seconds, while an idle server, or one answering only health checks, allocates
 * too little to fill it for minutes. Reading the collectors' counters costs nothing per request. The release then
 * runs one full collection that lowers {@code MaxHeapFreeRatio} for its duration, so that the collector gives back
 * every page of the old generation but a tenth above the live data; the collectors read that flag after every
 * full collection and let it be changed while the JVM runs (a manageable flag). For the serial collector of the
 * launcher this needs an initial heap ({@code -Xms}) below the bound and {@code -XX:-ShrinkHeapInSteps}, which the
 * launcher gives (else the first collection gives back nothing, and none gives back more than the initial heap),
 * with free ratios of 99 and 100 % the rest of the time, which these are restored to: at the next load the heap
 * grows back to its bound at the first full collection.
 *
 * <p>Why by hand: the JDK's own (JEP 346, {@code G1PeriodicGCInterval}) is the G1 collector's, which costs more
 * memory and CPU per request here than the serial one; the serial collector has none.
 */
public final class IdleMemoryRelease implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleMemoryRelease.class);
    /** Free share of the old generation left after a release, in percent of its size. */
    static final int FREE_PERCENT_AFTER_RELEASE = 10;

    private final long idleAfterNanos;
    private final LongSupplier collections;
    private final LongSupplier nanoTime;
    private final Runnable release;
    private long seenCollections = -1;
    private long quietSince;
    private boolean released;
    private boolean failing;

    /**
     * @param idleAfter   the quiet time before a release, positive
     * @param collections the number of garbage collections run so far
     * @param nanoTime    a monotonic clock in nanoseconds
     * @param release     what gives the memory back; it may collect garbage itself, which is not counted as activity
     */
    public IdleMemoryRelease(Duration idleAfter, LongSupplier collections, LongSupplier nanoTime, Runnable release) {
        if (idleAfter.isZero() || idleAfter.isNegative()) {
            throw new IllegalArgumentException("idleAfter must be positive: " + idleAfter);
        }
        this.idleAfterNanos = idleAfter.toNanos();
        this.collections = Objects.requireNonNull(collections, "collections");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.release = Objects.requireNonNull(release, "release");
    }

    /**
     * The release of this JVM: {@code engine}'s caches ({@link IdentityEngine#releaseIdleMemory}), {@code buffers}
     * when it is Jetty's array pool, then a full collection that shrinks the heap; idleness read from the JVM's
     * collectors.
     */
    public static IdleMemoryRelease ofThisJvm(Duration idleAfter, IdentityEngine engine, ByteBufferPool buffers) {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        return new IdleMemoryRelease(idleAfter,
                () -> collectors.stream().mapToLong(collector -> Math.max(0, collector.getCollectionCount())).sum(),
                System::nanoTime, () -> {
                    engine.releaseIdleMemory();
                    if (buffers instanceof ArrayByteBufferPool pool) {
                        pool.clear();
                    }
                    collectAndShrinkHeap();
                });
    }

    /** Checks for idleness and releases once per quiet period; a failure is logged (the first with its cause), not thrown. */
    @Override
    public void run() {
        long now = nanoTime.getAsLong();
        long count = collections.getAsLong();
        if (count != seenCollections) {
            seenCollections = count;
            quietSince = now;
            released = false;
            return;
        }
        if (released || now - quietSince < idleAfterNanos) {
            return;
        }
        released = true;
        try {
            release.run();
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Giving back idle memory failed; tried again after the next quiet period", e);
            }
        }
        // The release's own collection is not activity.
        seenCollections = collections.getAsLong();
    }

    /**
     * One full collection after which the collector keeps at most {@value #FREE_PERCENT_AFTER_RELEASE} % of the old
     * generation free; the free-ratio flags are restored afterwards. Synchronized: two servers in one JVM must not
     * read each other's temporary values as the ones to restore.
     */
    static synchronized void collectAndShrinkHeap() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long before = Runtime.getRuntime().totalMemory();
        if (vm == null) { // not HotSpot: its own collector decides
            System.gc();
            return;
        }
        String min = vm.getVMOption("MinHeapFreeRatio").getValue();
        String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
        // The JVM refuses a minimum above the maximum: lower the minimum first, raise it last.
        vm.setVMOption("MinHeapFreeRatio", "0");
        vm.setVMOption("MaxHeapFreeRatio", String.valueOf(FREE_PERCENT_AFTER_RELEASE));
        try {
            System.gc();
        } finally {
            vm.setVMOption("MaxHeapFreeRatio", max);
            vm.setVMOption("MinHeapFreeRatio", min);
        }
        LOG.debug("Idle: heap committed {} KiB -> {} KiB", before / 1024, Runtime.getRuntime().totalMemory() / 1024);
    }
}
