package dev.identityservice.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.identityservice.guard.testing.Concurrently;
import dev.identityservice.guard.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ThrottledWarningTest {
    final MutableClock clock = MutableClock.atFixedStart();
    final List<String> lines = new CopyOnWriteArrayList<>();
    final ThrottledWarning warning = new ThrottledWarning(lines::add, Duration.ofSeconds(10), clock);

    @Test
    void warnWhen10000TimesFrom8ThreadsWithinAnIntervalThenOneLine() throws Exception {
        Concurrently.run(8, 10_000, i -> () -> {
            warning.warn("issuer down");
            return null;
        });
        assertEquals(List.of("issuer down"), lines);
    }

    @Test
    void warnWhenIntervalPassedThenNextLineCountsTheSuppressed() {
        for (int i = 0; i < 5; i++) {
            warning.warn("issuer down");
        }
        clock.advance(Duration.ofSeconds(10));
        warning.warn("issuer down");
        assertEquals(List.of("issuer down", "issuer down (4 more like it since the last line)"), lines);
    }
}
