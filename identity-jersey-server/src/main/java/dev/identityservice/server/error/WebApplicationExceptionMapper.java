package dev.identityservice.server.error;

import dev.identityservice.core.error.OAuthError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jersey's own errors (no such path 404, wrong method 405 with its {@code Allow} header, 406, 415) as
 * JSON in the shape of RFC 6749 §5.2, instead of Jersey's HTML or empty bodies.
 */
@Provider
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    private static final Logger LOG = LoggerFactory.getLogger(WebApplicationExceptionMapper.class);

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            LOG.error("Request failed", exception);
            return ErrorResponses.of(OAuthError.serverError());
        }
        OAuthError error = switch (status) {
            case 404 -> new OAuthError("not_found", "No such endpoint", 404);
            case 405 -> new OAuthError("invalid_request", "Method not allowed", 405);
            case 406 -> new OAuthError("invalid_request", "Not acceptable", 406);
            case 415 -> new OAuthError("invalid_request", "Unsupported content type", 415);
            default -> new OAuthError("invalid_request", "The request is malformed", status >= 400 ? status : 400);
        };
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        return ErrorResponses.of(error, allow == null ? Map.of() : Map.of(HttpHeaders.ALLOW, allow));
    }
}
