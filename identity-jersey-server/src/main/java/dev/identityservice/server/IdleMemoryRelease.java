package dev.identityservice.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.identityservice.core.IdentityEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory kept for the next burst back to the operating system once the server has been idle for a while
 * ({@code memory.idle.release}, issue 13): the Argon2id blocks the password hasher pools (up to
 * {@code password.hash.concurrency × password.hash.memory.kib}), H2's page cache (1 MiB unless {@code db.url} sets {@code CACHE_SIZE}), Jetty's pooled
 * connection buffers, and the part of the heap the collector grew into under load. Run it every second or so, e.g.
 * on the server's job executor; it does something at most once per quiet period.
 *
 * <p>Idle means that at most one garbage collection ran in the configured time, and none in its last third: under
 * any load the young generation fills in a fraction of a second to a few seconds, while an idle server fills it
 * every several seconds at the most (health checks, or H2's compaction for minutes after a write load). Reading the
 * collectors' counters costs nothing per request. The release then runs one full collection that lowers
 * {@code MaxHeapFreeRatio} for its duration, so that the collector gives back every page of the old generation but
 * a tenth above the live data; the collectors read that flag after every
 * full collection and let it be changed while the JVM runs (a manageable flag). For the serial collector of the
 * launcher this needs an initial heap ({@code -Xms}) below the bound and {@code -XX:-ShrinkHeapInSteps}, which the
 * launcher gives (else the first collection gives back nothing, and none gives back more than the initial heap),
 * with free ratios of 99 and 100 % the rest of the time, which these are restored to: at the next load the heap
 * grows back to its bound at the first full collection.
 *
 * <p>It releases only what a load left: when the heap has not grown since the last release, a full collection would
 * give nothing back, so a light steady load whose young collections come just further apart than the quiet time
 * costs no full collection each time. Collections it causes itself are not activity, for any server in the JVM.
 *
 * <p>Why by hand: the JDK's own (JEP 346, {@code G1PeriodicGCInterval}) is the G1 collector's, which costs more
 * memory and CPU per request here than the serial one; the serial collector has none.
 */
public final class IdleMemoryRelease implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleMemoryRelease.class);
    /** Free share of the old generation left after a release, in percent of its size. */
    static final int FREE_PERCENT_AFTER_RELEASE = 10;
    /** Collections the releases of this JVM ran: not activity, whichever server in it ran them. */
    private static final AtomicLong OWN_COLLECTIONS = new AtomicLong();
    /** Whether the JVM refused to change its free ratios: said once per JVM. */
    private static final AtomicBoolean RATIOS_REFUSED = new AtomicBoolean();

    private final long idleAfterNanos;
    private final LongSupplier collections;
    private final LongSupplier nanoTime;
    private final BooleanSupplier release;
    private long seenCollections = -1;
    /** When the count last changed, and when it changed before that (the same time if it rose by more than one). */
    private long lastCollectionAt;
    private long previousCollectionAt;
    private boolean released;
    private boolean failing;

    /**
     * @param idleAfter   the quiet time before a release, positive
     * @param collections the number of garbage collections run so far
     * @param nanoTime    a monotonic clock in nanoseconds
     * @param release     gives the memory back and returns true, or returns false when it cannot now (it is asked
     *                    again at the next run); it may collect garbage itself, which is not counted as activity
     */
    public IdleMemoryRelease(Duration idleAfter, LongSupplier collections, LongSupplier nanoTime, BooleanSupplier release) {
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
     * when it is Jetty's array pool, then a full collection that shrinks the heap, if the heap grew since the last
     * release; idleness read from the JVM's collectors, less the collections of releases.
     */
    public static IdleMemoryRelease ofThisJvm(Duration idleAfter, IdentityEngine engine, ByteBufferPool buffers) {
        return new IdleMemoryRelease(idleAfter, IdleMemoryRelease::collectionsByOthers, System::nanoTime,
                whenHeapGrew(() -> Runtime.getRuntime().totalMemory(), () -> {
                    if (!engine.releaseIdleMemory()) {
                        return false; // a hash runs and keeps its memory: asked again in a second
                    }
                    if (buffers instanceof ArrayByteBufferPool pool) {
                        pool.clear();
                    }
                    return true;
                }, IdleMemoryRelease::collectAndShrinkHeap));
    }

    /**
     * Whether this JVM ignores {@link System#gc()} ({@code -XX:+DisableExplicitGC}): a release would give nothing back.
     */
    public static boolean explicitCollectionsDisabled() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return vm != null && Boolean.parseBoolean(vm.getVMOption("DisableExplicitGC").getValue());
        } catch (RuntimeException e) { // not HotSpot: no such flag
            return false;
        }
    }

    /**
     * A release that drops the caches and collects only when the heap's committed bytes grew past what the last
     * release left: otherwise the full collection would give nothing back.
     *
     * @param committedBytes the heap's committed size, bytes
     * @param dropCaches     drops what is kept for the next burst; false when it cannot now (a hash runs)
     * @param collect        the full collection that shrinks the heap
     */
    static BooleanSupplier whenHeapGrew(LongSupplier committedBytes, BooleanSupplier dropCaches, Runnable collect) {
        return new BooleanSupplier() {
            /** The heap's committed bytes right after the last release; -1 before the first. */
            private long committedAfterLast = -1;

            @Override
            public boolean getAsBoolean() {
                if (committedBytes.getAsLong() <= committedAfterLast) {
                    return true;
                }
                if (!dropCaches.getAsBoolean()) {
                    return false;
                }
                collect.run();
                committedAfterLast = committedBytes.getAsLong();
                return true;
            }
        };
    }

    /** Checks for idleness and releases once per quiet period; a failure is logged (the first with its cause), not thrown. */
    @Override
    public void run() {
        long now = nanoTime.getAsLong();
        long count = collections.getAsLong();
        if (count != seenCollections) {
            previousCollectionAt = seenCollections < 0 || count - seenCollections > 1 ? now : lastCollectionAt;
            lastCollectionAt = now;
            seenCollections = count;
            released = false;
            return;
        }
        if (released || !quiet(now)) {
            return;
        }
        try {
            released = release.getAsBoolean();
            failing = false;
        } catch (RuntimeException e) {
            released = true;
            if (!failing) {
                failing = true;
                LOG.warn("Giving back idle memory failed; tried again after the next quiet period", e);
            }
        }
        // The release's own collection is not activity.
        seenCollections = collections.getAsLong();
    }

    /**
     * No collection for the idle time, or only one, at least a third of it ago: background work (H2's compaction
     * after a write load, health checks) can fill the young generation every several seconds for minutes, which is
     * no load; under load it is collected every second or more often.
     */
    private boolean quiet(long now) {
        long sinceLast = now - lastCollectionAt;
        return sinceLast >= idleAfterNanos || (now - previousCollectionAt >= idleAfterNanos && sinceLast >= idleAfterNanos / 3);
    }

    /** Collections run in this JVM so far, less those the releases ran. */
    static long collectionsByOthers() {
        return collections() - OWN_COLLECTIONS.get();
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(collector -> Math.max(0, collector.getCollectionCount())).sum();
    }

    /**
     * One full collection after which the collector keeps at most {@value #FREE_PERCENT_AFTER_RELEASE} % of the old
     * generation free; the free-ratio flags are restored afterwards. Where the JVM refuses to change them (not
     * HotSpot, a security manager) it collects with its own, and says so once. Synchronized: two servers in one JVM
     * must not read each other's temporary values as the ones to restore.
     */
    static synchronized void collectAndShrinkHeap() {
        long collectionsBefore = collections();
        long committedBefore = Runtime.getRuntime().totalMemory();
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = null;
        String max = null;
        try {
            Objects.requireNonNull(vm, "not a HotSpot JVM");
            String jvmMin = vm.getVMOption("MinHeapFreeRatio").getValue();
            String jvmMax = vm.getVMOption("MaxHeapFreeRatio").getValue();
            // The JVM refuses a minimum above the maximum: lower the minimum first, raise it last.
            vm.setVMOption("MinHeapFreeRatio", "0");
            min = jvmMin;
            vm.setVMOption("MaxHeapFreeRatio", String.valueOf(FREE_PERCENT_AFTER_RELEASE));
            max = jvmMax;
        } catch (RuntimeException e) {
            if (!RATIOS_REFUSED.getAndSet(true)) {
                LOG.info("Idle: the JVM's heap free ratios cannot be changed ({}); its collector decides what to give back",
                        e.toString());
            }
        }
        try {
            System.gc();
        } finally {
            if (max != null) {
                vm.setVMOption("MaxHeapFreeRatio", max);
            }
            if (min != null) {
                vm.setVMOption("MinHeapFreeRatio", min);
            }
            OWN_COLLECTIONS.addAndGet(collections() - collectionsBefore);
        }
        LOG.debug("Idle: heap committed {} KiB -> {} KiB", committedBefore / 1024, Runtime.getRuntime().totalMemory() / 1024);
    }
}
