package dev.identityservice.sample;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What the admin endpoint reports: when the API started and how often {@code /api/me} answered. */
final class ApiStats {

    private final Clock clock;
    private final Instant startedAt;
    private final AtomicLong meRequests = new AtomicLong();

    ApiStats(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    void countMeRequest() {
        meRequests.incrementAndGet();
    }

    long meRequests() {
        return meRequests.get();
    }

    Instant startedAt() {
        return startedAt;
    }

    Duration uptime() {
        return Duration.between(startedAt, clock.instant());
    }
}
