package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthError;
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

    @Override
    public Response toResponse(Throwable exception) {
        String incident = UUID.randomUUID().toString();
        LOG.error("Unexpected failure, incident {}", incident, exception);
        OAuthError error = OAuthError.serverError();
        return ErrorResponses.of(new OAuthError(error.code(), error.description() + " (incident " + incident + ")", 500));
    }
}
