package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthError;
import dev.identityservice.core.store.jdbc.DataAccessException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything unexpected: {@code server_error} 500 with nothing of the cause, which goes to the log under an
 * incident id that the response repeats, so an operator can find it without the client learning anything.
 */
@Provider
public final class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackExceptionMapper.class);

    /** Database outages wrapped in another exception go to this one; {@code null}: none (then 500 too). */
    private final DatabaseUnavailableMapper outages;

    /** Without outage handling, for {@link DatabaseUnavailableMapper}'s own fallback. */
    public FallbackExceptionMapper() {
        this(null);
    }

    public FallbackExceptionMapper(DatabaseUnavailableMapper outages) {
        this.outages = outages;
    }

    @Override
    public Response toResponse(Throwable exception) {
        if (outages != null && DataAccessException.isConnectionFailure(exception)) {
            return outages.unavailable(exception);
        }
        String incident = UUID.randomUUID().toString();
        LOG.error("Unexpected failure, incident {}", incident, exception);
        OAuthError error = OAuthError.serverError();
        return ErrorResponses.of(new OAuthError(error.code(), error.description() + " (incident " + incident + ")", 500));
    }
}
