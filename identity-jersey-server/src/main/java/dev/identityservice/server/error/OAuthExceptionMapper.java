package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Writes the engine's {@link OAuthException} as RFC 6749 §5.2 JSON with the status the error carries. */
@Provider
public final class OAuthExceptionMapper implements ExceptionMapper<OAuthException> {

    @Override
    public Response toResponse(OAuthException exception) {
        return ErrorResponses.of(exception.error());
    }
}
