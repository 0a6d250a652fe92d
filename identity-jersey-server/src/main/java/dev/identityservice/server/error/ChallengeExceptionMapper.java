package dev.identityservice.server.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Writes a {@link ChallengeException}: the RFC 6749 §5.2 JSON plus its headers. */
@Provider
public final class ChallengeExceptionMapper implements ExceptionMapper<ChallengeException> {

    @Override
    public Response toResponse(ChallengeException exception) {
        return ErrorResponses.of(exception.error(), exception.headers());
    }
}
