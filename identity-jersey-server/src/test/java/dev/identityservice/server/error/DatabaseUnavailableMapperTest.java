package dev.identityservice.server.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.identityservice.core.ThrottledLog;
import dev.identityservice.core.store.jdbc.DataAccessException;
import dev.identityservice.core.testing.MutableClock;
import dev.identityservice.server.testing.CapturedLog;
import jakarta.ws.rs.core.Response;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A database outage refuses every request the same way: each gets its 503 and marks readiness down, but the log
 * gets one line per interval (through Logback to standard error, as the server writes it), the next one saying
 * how many were left out.
 */
class DatabaseUnavailableMapperTest {

    private static final int REQUESTS = 200;

    @Test
    void toResponseWhenManyRequestsFailDuringAnOutageThenEachAnswered503AndTheLogBounded() {
        MutableClock clock = MutableClock.startingNow();
        AtomicInteger markedDown = new AtomicInteger();
        DatabaseUnavailableMapper mapper = new DatabaseUnavailableMapper(markedDown::incrementAndGet, 5,
                new ThrottledLog(ThrottledLog.INTERVAL_DEFAULT, clock));
        DataAccessException outage = new DataAccessException(new SQLTransientConnectionException("pool timed out"));

        try (CapturedLog log = new CapturedLog()) {
            for (int i = 0; i < REQUESTS; i++) {
                Response response = mapper.toResponse(outage);
                assertEquals(503, response.getStatus());
                assertEquals("5", response.getHeaderString("Retry-After"));
            }
            assertEquals(REQUESTS, markedDown.get(), "every refusal tells readiness");
            assertEquals(1, outageLines(log).size(), String.join("\n", log.lines()));

            clock.advance(ThrottledLog.INTERVAL_DEFAULT);
            mapper.toResponse(outage);
            List<String> lines = outageLines(log);
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(1).endsWith("(" + (REQUESTS - 1) + " more like it since the last line)"), lines.get(1));
        }
    }

    private static List<String> outageLines(CapturedLog log) {
        return log.at("WARN").stream().filter(line -> line.contains("Database unavailable")).toList();
    }
}
