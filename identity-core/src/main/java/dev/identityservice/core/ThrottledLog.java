package dev.identityservice.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Log lines rate-limited per kind: at most one line of a kind per interval, however often it happens, the next
 * line of that kind saying how many were left out. An outage makes every request fail the same way; one line
 * per request (let alone a stack trace) would flood the log and cost a write per request while the server is
 * already degraded. Lock-free; the kinds must be a small fixed set (they are kept for the process's life).
 *
 * <p>In the core so that the core's background work (back-channel logout delivery) and the server's request
 * handling (database outages, login audit) share one rule. Not the guard's {@code ThrottledWarning}: that one is the guard's implementation detail
 * (one warning, to {@code System.Logger}), and the guard's internals are not an API of ours to lean on.
 */
public final class ThrottledLog {

    /** Default least time between two lines of one kind: 10 seconds. */
    public static final Duration INTERVAL_DEFAULT = Duration.ofSeconds(10);

    private final long intervalMillis;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param interval the least time between two lines of one kind
     * @param clock    decides the interval
     */
    public ThrottledLog(Duration interval, Clock clock) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        this.intervalMillis = interval.toMillis();
        this.clock = clock;
    }

    /**
     * Gives {@code message} to {@code sink} unless a line of {@code kind} went out less than an interval ago;
     * then only counts it, and the next line of the kind ends with {@code (N more like it since the last line)}.
     *
     * @return whether the line went out
     */
    public boolean log(String kind, String message, Consumer<String> sink) {
        Window window = windows.computeIfAbsent(kind, k -> new Window());
        long now = clock.millis();
        long allowed = window.nextAllowedMillis.get();
        if (now < allowed) {
            window.suppressed.incrementAndGet();
            return false;
        }
        // Taken before the race for the line: a loser adds its count back after the winner took its own, so a
        // line never reports warnings that happened at the same moment as it.
        long left = window.suppressed.getAndSet(0);
        if (!window.nextAllowedMillis.compareAndSet(allowed, now + intervalMillis)) {
            window.suppressed.addAndGet(left + 1);
            return false;
        }
        sink.accept(left == 0 ? message : message + " (" + left + " more like it since the last line)");
        return true;
    }

    private static final class Window {
        final AtomicLong nextAllowedMillis = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }
}
