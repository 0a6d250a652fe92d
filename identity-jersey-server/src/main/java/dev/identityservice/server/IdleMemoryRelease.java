package dev.identityservice.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.identityservice.core.IdentityEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory kept for the next burst back to the operating system once the server has been idle for a while
 * ({@code memory.idle.release}, issue 13): the Argon2id blocks the password hasher pools (up to
 * {@code password.hash.concurrency × password.hash.memory.kib}), H2's page cache (1 MiB unless {@code db.url} sets
 * {@code CACHE_SIZE}), Jetty's pooled connection buffers, and the part of the heap the collector grew into under load.
 * Run it every second or so, e.g. on the server's job executor.
 *
 * <p>Idle means that the server completed fewer requests than one a second over the configured time (none when it is
 * one second): health checks and metrics scrapes are not load. The count is the one Jetty's request log keeps
 * ({@link dev.identityservice.server.observability.ServerMetrics#requestsCompleted}), read once a run, so idleness
 * costs nothing per request. Why requests and not the collector's activity, which an earlier version read: the
 * server's own background work allocates too. After a write load H2's compaction rewrites the sparse chunks for
 * minutes, filling the young generation every 1-4 s, so a server left idle after a load never looked idle and kept
 * its whole heap bound resident (BENCHMARKS.md "memory given back after a write load").
 *
 * <p>The release then runs one full collection that lowers {@code MaxHeapFreeRatio} for its duration, so that the
 * collector gives back every page of the old generation but a tenth above the live data; the collectors read that
 * flag after every full collection and let it be changed while the JVM runs (a manageable flag). For the serial
 * collector of the launcher this needs an initial heap ({@code -Xms}) below the bound and
 * {@code -XX:-ShrinkHeapInSteps}, which the launcher gives (else the first collection gives back nothing, and none
 * gives back more than the initial heap), with free ratios of 99 and 100 % the rest of the time, which these are
 * restored to: at the next load the heap grows back to its bound at the first full collection.
 *
 * <p>It releases only what a load, or background work, left: when the heap has not grown since the last release, a
 * full collection would give nothing back, so an idle server costs no full collection each second; and while the
 * server stays idle it releases at most once per idle time.
 *
 * <p>Why by hand: the JDK's own (JEP 346, {@code G1PeriodicGCInterval}) is the G1 collector's, which costs more
 * memory and CPU per request here than the serial one; the serial collector has none.
 */
public final class IdleMemoryRelease implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleMemoryRelease.class);
    /** Free share of the old generation left after a release, in percent of its size. */
    static final int FREE_PERCENT_AFTER_RELEASE = 10;
    /** Whether the JVM refused to change its free ratios: said once per JVM. */
    private static final AtomicBoolean RATIOS_REFUSED = new AtomicBoolean();

    /** Readings kept per idle time, at most (one a run, but not closer than the idle time over this). */
    static final int READINGS_PER_IDLE_TIME = 16;
    private static final double NANOS_PER_SECOND = 1e9;

    private final long idleAfterNanos;
    /** Fewer requests than this since the window's start is idle: one a second of the idle time, and none when it is a second or less. */
    private final double idleRequests;
    private final LongSupplier requests;
    private final LongSupplier nanoTime;
    private final BooleanSupplier release;
    /**
     * Readings {time in nanoseconds, requests}, oldest first: the newest one at least the idle time old, and those after
     * it, one per run but at most {@link #READINGS_PER_IDLE_TIME} per idle time (a day's idle time keeps 17, not 86,400).
     */
    private final ArrayDeque<long[]> readings = new ArrayDeque<>();
    /** When the release last gave memory back ({@link #nanoTime}); none before the first. */
    private long releasedAt;
    private boolean releasedOnce;
    /** Whether the release threw in this quiet period: not tried again before the next one. */
    private boolean failedWhileQuiet;
    /** Whether the last release threw: the first failure is logged with its cause, the next ones not. */
    private boolean failing;

    /**
     * @param idleAfter the quiet time before a release, positive
     * @param requests  the number of requests the server completed so far
     * @param nanoTime  a monotonic clock in nanoseconds
     * @param release   gives the memory back if there is any to give and returns whether it did (asked once a run
     *                  while the server is idle, at most once per idle time after it did, so it must cost next to
     *                  nothing when there is none, as {@link #whenHeapGrew} does)
     */
    public IdleMemoryRelease(Duration idleAfter, LongSupplier requests, LongSupplier nanoTime, BooleanSupplier release) {
        if (idleAfter.isZero() || idleAfter.isNegative()) {
            throw new IllegalArgumentException("idleAfter must be positive: " + idleAfter);
        }
        this.idleAfterNanos = idleAfter.toNanos();
        this.idleRequests = Math.max(NANOS_PER_SECOND, idleAfterNanos) / NANOS_PER_SECOND;
        this.requests = Objects.requireNonNull(requests, "requests");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.release = Objects.requireNonNull(release, "release");
    }

    /**
     * The release of this JVM: {@code engine}'s caches ({@link IdentityEngine#releaseIdleMemory}), {@code buffers}
     * when it is Jetty's array pool, then a full collection that shrinks the heap, if the heap grew since the last
     * release; idleness read from {@code requests}, the requests the server completed so far.
     */
    public static IdleMemoryRelease ofThisJvm(Duration idleAfter, LongSupplier requests, IdentityEngine engine, ByteBufferPool buffers) {
        return new IdleMemoryRelease(idleAfter, requests, System::nanoTime,
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
     * release left: otherwise the full collection would give nothing back. Asked again while the server stays idle, it
     * collects again only if the heap grew meanwhile: background work (H2's compaction after a write load) promotes
     * into the old generation, and the collection that makes room grows it back to its bound.
     *
     * @param committedBytes the heap's committed size, bytes
     * @param dropCaches     drops what is kept for the next burst; false when it cannot now (a hash runs), and the
     *                       release is then left to the next run
     * @param collect        the full collection that shrinks the heap
     * @return a release that returns whether it collected
     */
    static BooleanSupplier whenHeapGrew(LongSupplier committedBytes, BooleanSupplier dropCaches, Runnable collect) {
        return new BooleanSupplier() {
            /** The heap's committed bytes right after the last release; -1 before the first. */
            private long committedAfterLast = -1;

            @Override
            public boolean getAsBoolean() {
                if (committedBytes.getAsLong() <= committedAfterLast || !dropCaches.getAsBoolean()) {
                    return false;
                }
                collect.run();
                committedAfterLast = committedBytes.getAsLong();
                return true;
            }
        };
    }

    /**
     * Checks for idleness and, while idle, releases (what {@link #whenHeapGrew} finds to give back), at most once per
     * idle time: each release is a full collection, and another server in the same JVM (tests, embeddings) may be
     * under load meanwhile. A failure is logged (the first with its cause), not thrown, and not tried again before the
     * next quiet period.
     */
    @Override
    public void run() {
        long now = nanoTime.getAsLong();
        long completed = requests.getAsLong();
        if (readings.isEmpty() || now - readings.peekLast()[0] >= idleAfterNanos / READINGS_PER_IDLE_TIME) {
            readings.addLast(new long[] {now, completed});
        }
        if (!quiet(now, completed)) {
            failedWhileQuiet = false;
            return;
        }
        if (failedWhileQuiet || (releasedOnce && now - releasedAt < idleAfterNanos)) {
            return;
        }
        try {
            if (release.getAsBoolean()) {
                releasedAt = now;
                releasedOnce = true;
            }
            failing = false;
        } catch (RuntimeException e) {
            failedWhileQuiet = true;
            if (!failing) {
                failing = true;
                LOG.warn("Giving back idle memory failed; tried again after the next quiet period", e);
            }
        }
    }

    /** How many readings are kept now: at most {@link #READINGS_PER_IDLE_TIME} + 2 however long the idle time. */
    int readingsKept() {
        return readings.size();
    }

    /**
     * Whether, of the {@code completed} requests so far, fewer than {@link #idleRequests} completed since the newest
     * reading at least the idle time old (a window up to a sixteenth longer than the idle time); false until there is
     * one. Drops the readings before that one.
     */
    private boolean quiet(long now, long completed) {
        long[] start = readings.removeFirst();
        while (!readings.isEmpty() && now - readings.peekFirst()[0] >= idleAfterNanos) {
            start = readings.removeFirst();
        }
        readings.addFirst(start);
        return now - start[0] >= idleAfterNanos && completed - start[1] < idleRequests;
    }

    /**
     * One full collection after which the collector keeps at most {@value #FREE_PERCENT_AFTER_RELEASE} % of the old
     * generation free; the free-ratio flags are restored afterwards. Where the JVM refuses to change them (not
     * HotSpot, a security manager) it collects with its own, and says so once. Synchronized: two servers in one JVM
     * must not read each other's temporary values as the ones to restore.
     */
    static synchronized void collectAndShrinkHeap() {
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
        }
        LOG.debug("Idle: heap committed {} KiB -> {} KiB", committedBefore / 1024, Runtime.getRuntime().totalMemory() / 1024);
    }
}
