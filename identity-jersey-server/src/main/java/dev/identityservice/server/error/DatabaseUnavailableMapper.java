package dev.identityservice.server.error;

import dev.identityservice.core.ThrottledLog;
import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.store.jdbc.DataAccessException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request that needed the database while it cannot be reached ({@link DataAccessException#isConnectionFailure}):
 * {@code 503} with {@code Retry-After} and the RFC 6749 §5.2 JSON {@code temporarily_unavailable} (the code
 * RFC 6749 §4.1.2.1 defines for a server that cannot handle the request for now), never a 500: nothing is wrong
 * with the request, and it will succeed once the database is back. The request fails within the pool's connection
 * timeout ({@code db.connection.timeout}). Other database failures are unexpected: {@link FallbackExceptionMapper}.
 */
public final class DatabaseUnavailableMapper implements ExceptionMapper<DataAccessException> {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailableMapper.class);

    private final Runnable onOutage;
    private final int retryAfterSeconds;
    private final ThrottledLog lines;
    private final FallbackExceptionMapper fallback = new FallbackExceptionMapper();

    /** With a line at most every {@link ThrottledLog#INTERVAL_DEFAULT} by the system clock. */
    public DatabaseUnavailableMapper(Runnable onOutage, int retryAfterSeconds) {
        this(onOutage, retryAfterSeconds, new ThrottledLog(ThrottledLog.INTERVAL_DEFAULT, Clock.systemUTC()));
    }

    /**
     * @param onOutage          told of every request refused this way (readiness turns false at once)
     * @param retryAfterSeconds the {@code Retry-After} value, in seconds
     * @param lines             bounds the log lines: an outage refuses every request, one line each would flood
     */
    public DatabaseUnavailableMapper(Runnable onOutage, int retryAfterSeconds, ThrottledLog lines) {
        this.onOutage = onOutage;
        this.retryAfterSeconds = retryAfterSeconds;
        this.lines = lines;
    }

    @Override
    public Response toResponse(DataAccessException exception) {
        return exception.isConnectionFailure() ? unavailable(exception) : fallback.toResponse(exception);
    }

    /** The 503 answer; also for a connection failure that reached the fallback wrapped in another exception. */
    Response unavailable(Throwable cause) {
        onOutage.run();
        // No stack trace, and one line per interval with the count of those left out: an outage makes every
        // request fail the same way.
        lines.log("database.unavailable", "Database unavailable, answered 503: " + cause.getMessage(), LOG::warn);
        return ErrorResponses.of(new OAuthError("temporarily_unavailable",
                "The service is temporarily unavailable; retry later", 503),
                Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds)));
    }
}
