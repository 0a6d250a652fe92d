package dev.identityservice.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Admission control for CPU-bound work: at most {@code permits} threads inside at once, the others waiting in
 * arrival order (a fair {@link Semaphore}) for at most {@code maxWait}. A thread inside that must wait for something
 * other than the CPU (a password hash slot, a remote server) steps out for that time with {@link #outside}, so that
 * a wait never holds a permit the CPU-bound requests behind it need.
 *
 * <p>Why: signing and hashing never block, so when more requests run than there are cores the kernel time-slices
 * them all and each finishes in no particular order: the slowest take many times the median (issue 13: p99 about 10×
 * p50 at 64 connections on 2 cores). With a few running per core and the rest queued, each request waits for those
 * ahead of it only, and the p99 stays near the p50. Written here rather than taken from Jetty's {@code QoSHandler}:
 * that handler holds a request's permit until the response completes, so a login waiting seconds for a hash slot
 * would hold one, and {@link #outside} has no equivalent there.
 *
 * <p>Which gate the current thread holds is kept in a thread-local, so that code far from the HTTP layer (the
 * password hasher, outbound HTTP) can step out without being handed the gate. Thread-safe.
 */
public final class AdmissionGate {

    private static final ThreadLocal<AdmissionGate> HELD = new ThreadLocal<>();

    private final Semaphore permits;
    private final Duration maxWait;

    /**
     * @param permits threads inside at once, at least 1
     * @param maxWait longest wait to enter, positive
     * @throws IllegalArgumentException when {@code permits} is below 1 or {@code maxWait} is not positive
     */
    public AdmissionGate(int permits, Duration maxWait) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1: " + permits);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive: " + maxWait);
        }
        this.permits = new Semaphore(permits, true);
        this.maxWait = Objects.requireNonNull(maxWait);
    }

    /**
     * Enters the gate for the current thread, waiting at most {@code maxWait} behind the threads that came first.
     *
     * @return whether the thread is inside; {@code false} when the wait ran out or the thread was interrupted (its
     *         interrupt status is kept)
     * @throws IllegalStateException when the thread is already inside a gate
     */
    public boolean enter() {
        if (HELD.get() != null) {
            throw new IllegalStateException("this thread is already inside an admission gate");
        }
        try {
            if (!permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        HELD.set(this);
        return true;
    }

    /**
     * Leaves the gate: gives the current thread's permit to the longest waiting thread. Nothing when the thread is
     * not inside this gate.
     */
    public void leave() {
        if (HELD.get() == this) {
            HELD.remove();
            permits.release();
        }
    }

    /** Whether the current thread is inside this gate. */
    public boolean entered() {
        return HELD.get() == this;
    }

    /** Threads waiting to enter now (an estimate, for metrics). */
    public int waiting() {
        return permits.getQueueLength();
    }

    /** Work that waits for something other than the CPU. */
    @FunctionalInterface
    public interface Wait<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code wait} with the current thread outside the gate it holds, if any: its permit goes to the next thread
     * in line for that time, and it enters again afterwards behind the threads already waiting (without a time
     * limit: what it started must be answered). Without a gate held, just runs {@code wait}.
     *
     * @return what {@code wait} returns
     * @throws E what {@code wait} throws
     */
    public static <T, E extends Exception> T outside(Wait<T, E> wait) throws E {
        AdmissionGate held = HELD.get();
        if (held == null) {
            return wait.run();
        }
        held.leave();
        try {
            return wait.run();
        } finally {
            held.permits.acquireUninterruptibly();
            HELD.set(held);
        }
    }
}
