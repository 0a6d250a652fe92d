package dev.identityservice.guard;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A warning logged at most once per interval however often it happens, the next line saying how
 * many were left out: a hanging issuer or a flood of bad tokens must not flood the log, nor cost a
 * log write per request. Lock-free. (System.Logger has no rate limit of its own, and the guard
 * depends on no logging library.)
 */
public final class ThrottledWarning {

    /** Default least time between two lines of one warning: 10 seconds. */
    public static final Duration INTERVAL_DEFAULT = Duration.ofSeconds(10);

    private final Consumer<String> sink;
    private final long intervalMillis;
    private final Clock clock;
    private final AtomicLong nextAllowedMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /** Warnings to {@code logger}, at most one per {@link #INTERVAL_DEFAULT}. */
    public ThrottledWarning(System.Logger logger) {
        this(message -> logger.log(System.Logger.Level.WARNING, message), INTERVAL_DEFAULT, Clock.systemUTC());
    }

    /**
     * @param sink     receives the lines that pass
     * @param interval the least time between two lines
     * @param clock    decides the interval
     */
    public ThrottledWarning(Consumer<String> sink, Duration interval, Clock clock) {
        this.sink = sink;
        this.intervalMillis = interval.toMillis();
        this.clock = clock;
    }

    /** Logs {@code message} unless a line went out less than an interval ago; then only counts it. */
    public void warn(String message) {
        long now = clock.millis();
        long allowed = nextAllowedMillis.get();
        if (now < allowed) {
            suppressed.incrementAndGet();
            return;
        }
        // Taken before the race for the line, so that a warning that loses it (counted below, after the winner
        // took its count) is never reported by the very line it lost to.
        long left = suppressed.getAndSet(0);
        if (!nextAllowedMillis.compareAndSet(allowed, now + intervalMillis)) {
            suppressed.addAndGet(left + 1);
            return;
        }
        sink.accept(left == 0 ? message : message + " (" + left + " more like it since the last line)");
    }
}
